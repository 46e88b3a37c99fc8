// Who made a backup: an HMAC-SHA256 with BACKUP_SIGNING_KEY (kept in the service's environment, never
// in the bucket) over the backup's name and the SHA-256 of its content. Anyone who can write to the
// bucket or the backup folder can plant a file and its checksum, not its signature; the name is
// signed too, so a genuine old backup cannot be replayed under a newer name (`latest`). Locally
// the signature sits beside the file (`<file>.sig`); in the bucket, in the object's metadata.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export const SIGNATURE_SUFFIX = '.sig';
const SIGNATURE_FORMAT = 'hmac-sha256';

export class BackupSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupSignatureError';
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** The signature of the backup named `name` (its file or object name, without folder) whose content hashes to `sha256`. */
export function backupSignature(key: string, name: string, sha256: string): string {
  return createHmac('sha256', key).update(`mathakine-backup-v1\n${name}\n${sha256}`).digest('hex');
}

/** Writes `<file>.sig` (owner-only, as the backup); returns the signature. */
export async function signBackupFile(file: string, key: string): Promise<string> {
  const signature = backupSignature(key, path.basename(file), await sha256OfFile(file));
  fs.writeFileSync(`${file}${SIGNATURE_SUFFIX}`, `${SIGNATURE_FORMAT}:${signature}\n`, { mode: 0o600 });
  return signature;
}

/** The signature stored beside `file`, or null when there is none. */
export function readSignatureFile(file: string): string | null {
  const sidecar = `${file}${SIGNATURE_SUFFIX}`;
  if (!fs.existsSync(sidecar)) return null;
  const match = new RegExp(`^${SIGNATURE_FORMAT}:([0-9a-f]{64})\\s*$`).exec(fs.readFileSync(sidecar, 'utf8'));
  return match ? match[1] : '';
}

export interface SignatureCheck {
  /** what is checked, for messages: a path or an s3:// URL */
  where: string;
  name: string;
  sha256: string;
  /** null: not signed */
  signature: string | null;
  key?: string;
  /** the operator's --allow-unsigned */
  allowUnsigned?: boolean;
}

/**
 * Throws BackupSignatureError unless the backup is signed with `key`, or the operator allowed an
 * unsigned one. Returns what the check found, for the progress line.
 */
export function checkBackupSignature(check: SignatureCheck): string {
  const verdict = verdictOf(check);
  if (verdict === null) return 'signature verified';
  if (check.allowUnsigned) return `${verdict}: accepted by --allow-unsigned`;
  throw new BackupSignatureError(
    `${check.where}: ${verdict}; refusing a backup whose origin cannot be proven (pass --allow-unsigned if you know where it comes from)`,
  );
}

/** null when the signature is good; otherwise why not. */
function verdictOf({ name, sha256, signature, key }: SignatureCheck): string | null {
  if (!key) return 'BACKUP_SIGNING_KEY is not set, so no signature can be verified';
  if (signature === null) return 'not signed (no signature beside it: not written by db backup with BACKUP_SIGNING_KEY)';
  const expected = Buffer.from(backupSignature(key, name, sha256), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'the signature does not match (another key, another name, or altered content)';
  }
  return null;
}
