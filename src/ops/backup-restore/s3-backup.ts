// Backups that outlive the container: `db backup` ships its verified file to BACKUP_URL
// (s3://bucket/prefix on AWS, Cloudflare R2, Backblaze B2, MinIO…), `db backups` lists them,
// `db restore s3://…|latest` fetches one back. Each object carries the SHA-256 of the file as
// metadata; an upload is read back and hashed before it counts, a download is hashed before it is
// restored. Retention (keep n / max age) is the local rule, applied in the bucket.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Database, Dialect } from '../../db/client.js';
import {
  backupDatabase,
  backupExtension,
  formatBackup,
  backupResultSchema,
  backupsToPrune,
  listBackups,
  newestFirst,
  parseBackupName,
  type BackupOptions,
} from './backup.js';
import { backupSignature, checkBackupSignature, readSignatureFile, sha256OfFile } from './backup-signature.js';
import { formatBytes } from '../format.js';
import { silentProgress, type Progress } from '../progress.js';

/** How to reach the store: from the standard AWS variables (endpoint, key pair, region). */
export interface S3Connection {
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export interface S3Location {
  bucket: string;
  /** '' or ending in '/' */
  prefix: string;
}

export class RemoteBackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteBackupError';
  }
}

export function s3ConnectionFromConfig(config: Config): S3Connection {
  const endpoint = config.AWS_ENDPOINT_URL ?? config.S3_ENDPOINT;
  return {
    endpoint,
    region: config.AWS_REGION,
    accessKeyId: config.AWS_ACCESS_KEY_ID,
    secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
    // MinIO, R2, B2 and test servers answer on one host name; AWS prefers the bucket in the host
    forcePathStyle: config.S3_FORCE_PATH_STYLE ?? Boolean(endpoint),
  };
}

/** `s3://bucket/some/prefix` → its bucket and prefix (the prefix as a folder: '' or 'some/prefix/'). */
export function parseS3Url(url: string): S3Location & { key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match || !match[1]) throw new RemoteBackupError(`not an s3:// URL: ${url}`);
  const key = match[2];
  return { bucket: match[1], key, prefix: key && !key.endsWith('/') ? `${key}/` : key };
}

const s3Url = (bucket: string, key: string) => `s3://${bucket}/${key}`;

// The SDK is loaded on first use: every other command of the CLI starts without it.
const s3Sdk = () => import('@aws-sdk/client-s3');

async function s3Client(connection: S3Connection): Promise<S3Client> {
  const { S3Client } = await s3Sdk();
  return new S3Client({
    endpoint: connection.endpoint,
    region: connection.region,
    forcePathStyle: connection.forcePathStyle,
    credentials:
      connection.accessKeyId && connection.secretAccessKey ? { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey } : undefined,
    // Checksum headers only where S3 requires them: several S3-compatible stores refuse the newer
    // default ones. Integrity is ours anyway (SHA-256 of the whole file, read back).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

/** One line naming the cause and what to check, for any failure of a call to the store. */
export function s3ErrorLine(error: unknown, where: string, connection: S3Connection): string {
  const endpoint = connection.endpoint ?? `AWS (${connection.region})`;
  if (error instanceof RemoteBackupError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH)$/.test(code)) {
    return `${where}: cannot reach the store at ${endpoint} (${code}): check AWS_ENDPOINT_URL (or S3_ENDPOINT) and the network`;
  }
  if (isServiceError(error)) {
    const status = error.$metadata.httpStatusCode;
    switch (error.name) {
      case 'InvalidAccessKeyId':
      case 'SignatureDoesNotMatch':
      case 'InvalidToken':
      case 'ExpiredToken':
      case 'InvalidClientTokenId':
        return `${where}: the store refused the credentials (${error.name}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_REGION)`;
      case 'NoSuchBucket':
        return `${where}: the bucket does not exist at ${endpoint}: create it, or fix BACKUP_URL / the endpoint`;
      case 'NoSuchKey':
      case 'NotFound':
        return `${where}: no such object`;
      case 'AccessDenied':
      case 'Forbidden':
        return `${where}: access denied (${error.name}): the key needs list, read, write and delete rights on the bucket`;
    }
    return `${where}: the store answered ${status} ${error.name}: ${firstLine(error.message)}`;
  }
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return `${where}: no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  return `${where}: ${error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : String(error)}`;
}

/** An answer of the store: the SDK's S3ServiceException carries its HTTP status (network errors get `$metadata` without one). */
const isServiceError = (error: unknown): error is Error & { $metadata: { httpStatusCode: number } } =>
  error instanceof Error && typeof (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode === 'number';

const firstLine = (text: string) => text.split('\n')[0].trim() || '(no message)';

/** Runs one call to the store; any failure becomes a one-line RemoteBackupError. */
async function atStore<T>(where: string, connection: S3Connection, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new RemoteBackupError(s3ErrorLine(error, where, connection));
  }
}

/** Streams `body` into `file` (when given) and returns its SHA-256 and length. */
async function hashStream(body: Readable, file?: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const sink = file ? fs.createWriteStream(file) : new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(body, tap, sink);
  return { sha256: hash.digest('hex'), bytes };
}

export const remoteUploadSchema = z.object({
  url: z.string().describe('s3://bucket/key of the uploaded copy'),
  bytes: z.number(),
  sha256: z.string(),
  verification: z.string(),
  pruned: z.array(z.string()).describe('s3:// URLs deleted by retention'),
});
export type RemoteUpload = z.infer<typeof remoteUploadSchema>;

export interface RemoteBackup {
  url: string;
  key: string;
  label: string;
  created_at: Date;
  bytes: number;
}

/** Our backups directly under the location's prefix (other objects are never touched), newest first. */
export async function listRemoteBackups(connection: S3Connection, location: S3Location): Promise<RemoteBackup[]> {
  const { ListObjectsV2Command } = await s3Sdk();
  const client = await s3Client(connection);
  const where = s3Url(location.bucket, location.prefix);
  try {
    const found: RemoteBackup[] = [];
    let token: string | undefined;
    do {
      const page = await atStore(`listing ${where}`, connection, () =>
        client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix, Delimiter: '/', ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(location.prefix.length) ?? '';
        const parsed = parseBackupName(name);
        if (parsed && object.Key) found.push({ url: s3Url(location.bucket, object.Key), key: object.Key, ...parsed, bytes: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort(newestFirst((b) => b.key));
  } finally {
    client.destroy();
  }
}

/**
 * Uploads a verified local backup (streamed, multipart when large) with its SHA-256 as metadata,
 * reads the object back and hashes it, then applies retention in the bucket. Retention runs only
 * after a verified upload: a failing store never costs the copies it already holds.
 */
export async function uploadBackup(
  connection: S3Connection,
  location: S3Location,
  file: string,
  options: { dialect: Dialect; label: string; keep?: number; maxAgeDays?: number; signingKey?: string; progress?: Progress },
): Promise<RemoteUpload> {
  const progress = options.progress ?? silentProgress;
  const key = `${location.prefix}${path.basename(file)}`;
  const url = s3Url(location.bucket, key);
  const sha256 = await sha256OfFile(file);
  const bytes = fs.statSync(file).size;
  // signed over the object's own name: the bucket may hold it, not forge or rename it
  const signature = options.signingKey ? backupSignature(options.signingKey, path.basename(key), sha256) : undefined;
  const metadata: Record<string, string> = { sha256, dialect: options.dialect, ...(signature ? { signature } : {}) };
  const { DeleteObjectCommand, GetObjectCommand } = await s3Sdk();
  const { Upload } = await import('@aws-sdk/lib-storage');
  const client = await s3Client(connection);
  try {
    progress.start(`upload to ${url}`, bytes);
    await atStore(`uploading ${url}`, connection, async () => {
      const upload = new Upload({
        client,
        params: { Bucket: location.bucket, Key: key, Body: fs.createReadStream(file), Metadata: metadata },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      });
      upload.on('httpUploadProgress', ({ loaded }) => loaded !== undefined && progress.update(loaded, bytes));
      await upload.done();
    });
    progress.finish(`uploaded ${url}`);

    progress.start(`verify ${url}`);
    const object = await atStore(`reading back ${url}`, connection, () => client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key })));
    if (object.Metadata?.sha256 !== sha256) throw new RemoteBackupError(`${url}: the stored object lost its sha256 metadata: the upload is not verifiable`);
    if (signature && object.Metadata?.signature !== signature) throw new RemoteBackupError(`${url}: the stored object lost its signature metadata`);
    const readBack = await atStore(`reading back ${url}`, connection, () => hashStream(object.Body as Readable));
    if (readBack.sha256 !== sha256 || readBack.bytes !== bytes) {
      throw new RemoteBackupError(`${url}: the copy read back differs from the backup (${readBack.bytes} bytes, sha256 ${readBack.sha256.slice(0, 12)}…)`);
    }
    progress.finish(`verified ${url}`);

    const retention = options.keep !== undefined || options.maxAgeDays !== undefined;
    const doomed = retention
      ? backupsToPrune(await listRemoteBackups(connection, location), { keep: options.keep, olderThanDays: options.maxAgeDays, label: options.label })
      : [];
    for (const backup of doomed) {
      await atStore(`deleting ${backup.url}`, connection, () => client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: backup.key })));
    }
    return {
      url,
      bytes,
      sha256,
      verification: `read back ${formatBytes(bytes)}, sha256 ${sha256.slice(0, 12)}… matches${signature ? ', signed' : ', NOT signed (BACKUP_SIGNING_KEY is not set)'}`,
      pruned: doomed.map((b) => b.url),
    };
  } finally {
    client.destroy();
  }
}

export const shippedBackupSchema = backupResultSchema.extend({ remote: remoteUploadSchema.nullable() });
export type ShippedBackup = z.infer<typeof shippedBackupSchema>;

/** `db backup` and the maintenance job: the local verified backup, then its copy in BACKUP_URL when set. */
export async function backupAndShip(
  database: Database,
  options: BackupOptions & { remote?: { connection: S3Connection; url: string } },
): Promise<ShippedBackup> {
  const location = options.remote ? parseS3Url(options.remote.url) : null; // a bad URL fails before the dump
  const local = await backupDatabase(database, options);
  if (!options.remote || !location) return { ...local, remote: null };
  const remote = await uploadBackup(options.remote.connection, location, local.file, {
    dialect: database.dialect,
    label: options.label ?? database.dialect,
    keep: options.keep,
    maxAgeDays: options.maxAgeDays,
    signingKey: options.signingKey,
    progress: options.progress,
  });
  return { ...local, remote };
}

export function formatShippedBackup(r: ShippedBackup): string {
  if (!r.remote) return formatBackup(r);
  return [
    formatBackup(r),
    `uploaded: ${r.remote.url} (${r.remote.verification})`,
    ...(r.remote.pruned.length ? [`pruned in the bucket: ${r.remote.pruned.map((u) => u.split('/').pop()).join(', ')}`] : []),
  ].join('\n');
}

/** How far a restore trusts what it is given: the key backups are signed with, and the operator's --allow-unsigned. */
export interface SignatureOptions {
  key?: string;
  allowUnsigned?: boolean;
}

/**
 * Downloads `url` into a temporary file, refusing it unless its SHA-256 matches the metadata
 * written with it. The caller removes the file (`cleanup`).
 */
export async function fetchRemoteBackup(
  connection: S3Connection,
  url: string,
  progress: Progress = silentProgress,
  trust: SignatureOptions = {},
): Promise<{ file: string; cleanup: () => void }> {
  const { bucket, key } = parseS3Url(url);
  if (!key || key.endsWith('/')) throw new RemoteBackupError(`${url} names a folder, not a backup object`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-restore-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const file = path.join(dir, path.basename(key));
  const { GetObjectCommand, HeadObjectCommand } = await s3Sdk();
  const client = await s3Client(connection);
  try {
    progress.start(`download ${url}`);
    const head = await atStore(`reading ${url}`, connection, () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    const expected = head.Metadata?.sha256;
    if (!expected) throw new RemoteBackupError(`${url} has no sha256 metadata (not written by db backup): refusing a copy that cannot be verified`);
    const object = await atStore(`reading ${url}`, connection, () => client.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
    const got = await atStore(`downloading ${url}`, connection, () => hashStream(object.Body as Readable, file));
    if (got.sha256 !== expected) {
      throw new RemoteBackupError(
        `${url} is corrupt: its sha256 is ${got.sha256.slice(0, 12)}…, ${expected.slice(0, 12)}… when it was written (${got.bytes} bytes now)`,
      );
    }
    const signed = checkBackupSignature({ where: url, name: path.basename(key), sha256: got.sha256, signature: head.Metadata?.signature ?? null, ...trust });
    progress.finish(`downloaded ${url} (${formatBytes(got.bytes)}, sha256 matches, ${signed})`);
    return { file, cleanup };
  } catch (error) {
    cleanup();
    progress.finish('download failed', false);
    throw error;
  } finally {
    client.destroy();
  }
}

export const backupListingSchema = z.object({
  local: z.object({ dir: z.string(), backups: z.array(z.object({ file: z.string(), label: z.string(), created_at: z.date(), bytes: z.number() })) }),
  remote: z.object({ url: z.string(), backups: z.array(z.object({ url: z.string(), label: z.string(), created_at: z.date(), bytes: z.number() })) }).nullable(),
});
export type BackupListing = z.infer<typeof backupListingSchema>;

/** `db backups`: what BACKUP_DIR and BACKUP_URL hold, newest first. */
export async function listAllBackups(dir: string, remote?: { connection: S3Connection; url: string }): Promise<BackupListing> {
  const local = { dir: path.resolve(dir), backups: listBackups(dir) };
  if (!remote) return { local, remote: null };
  const backups = await listRemoteBackups(remote.connection, parseS3Url(remote.url));
  return { local, remote: { url: remote.url, backups: backups.map(({ key: _key, ...b }) => b) } };
}

export function formatBackupListing(r: BackupListing): string {
  const line = (where: string, b: { label: string; created_at: Date; bytes: number }) =>
    `  ${b.created_at.toISOString()}  ${formatBytes(b.bytes).padStart(9)}  ${b.label.padEnd(20)}  ${where}`;
  return [
    `${r.local.dir}: ${r.local.backups.length} backup(s)`,
    ...r.local.backups.map((b) => line(path.basename(b.file), b)),
    ...(r.remote
      ? [`${r.remote.url}: ${r.remote.backups.length} backup(s)`, ...r.remote.backups.map((b) => line(b.url, b))]
      : ['BACKUP_URL is not set: no remote backups']),
  ].join('\n');
}

/**
 * What `db restore` was given → a local file: a path as it is, an s3:// URL downloaded and
 * verified, `latest` the newest backup of this dialect in BACKUP_URL (when set) or BACKUP_DIR.
 */
export async function resolveBackupSource(
  source: string,
  options: { dialect: Dialect; backupDir: string; connection: S3Connection; backupUrl?: string; progress?: Progress; trust?: SignatureOptions },
): Promise<{ file: string; origin: string; cleanup: () => void }> {
  const noop = () => {};
  let url = source;
  if (source === 'latest') {
    const extension = `.${backupExtension(options.dialect)}`;
    if (!options.backupUrl) {
      const newest = listBackups(options.backupDir).find((b) => b.file.endsWith(extension));
      if (!newest) throw new RemoteBackupError(`no ${options.dialect} backup in ${path.resolve(options.backupDir)} (and BACKUP_URL is not set)`);
      await checkLocalSignature(newest.file, options.trust, options.progress);
      return { file: newest.file, origin: newest.file, cleanup: noop };
    }
    const newest = (await listRemoteBackups(options.connection, parseS3Url(options.backupUrl))).find((b) => b.key.endsWith(extension));
    if (!newest) throw new RemoteBackupError(`no ${options.dialect} backup under ${options.backupUrl}`);
    url = newest.url;
  }
  if (!url.startsWith('s3://')) {
    await checkLocalSignature(source, options.trust, options.progress);
    return { file: source, origin: path.resolve(source), cleanup: noop };
  }
  const fetched = await fetchRemoteBackup(options.connection, url, options.progress, options.trust);
  return { ...fetched, origin: url };
}

/** A local file's signature (`<file>.sig`); a missing file is left to the restore to name. */
async function checkLocalSignature(file: string, trust: SignatureOptions = {}, progress: Progress = silentProgress): Promise<void> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return;
  progress.start(`check the signature of ${file}`);
  const sha256 = await sha256OfFile(file);
  const signed = checkBackupSignature({ where: path.resolve(file), name: path.basename(file), sha256, signature: readSignatureFile(file), ...trust });
  progress.finish(signed);
}
