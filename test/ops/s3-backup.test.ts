// The store side of BACKUP_URL without a database: a backup larger than one part goes up as a
// streamed multipart upload, is verified by reading it back, and comes down byte for byte.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchRemoteBackup, listRemoteBackups, uploadBackup, type S3Connection } from '../../src/ops/backup-restore/s3-backup.js';
import { S3_BUCKET, useLocalS3 } from '../helpers/s3-server.js';

/** signs what it uploads and checks it on the way back, as db backup and db restore do */
const SIGNING_KEY = 'test-backup-signing-key-0123456789abcdef';

describe('S3 backups: multipart upload and download', () => {
  const s3 = useLocalS3();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-s3-ops-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uploads a 20 MB file in parts, reads it back, and downloads the same bytes', async () => {
    const connection: S3Connection = {
      endpoint: s3.endpoint,
      region: s3.env.AWS_REGION,
      accessKeyId: s3.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: s3.env.AWS_SECRET_ACCESS_KEY,
      forcePathStyle: true,
    };
    const file = path.join(dir, 'mathakine-postgres-20261128-101500-000.dump');
    fs.writeFileSync(file, randomBytes(20 * 1024 * 1024));
    const parts: number[] = [];
    const uploaded = await uploadBackup(connection, { bucket: S3_BUCKET, prefix: 'big/' }, file, {
      dialect: 'postgres',
      label: 'postgres',
      signingKey: SIGNING_KEY,
      progress: { start: () => {}, update: (done) => parts.push(done), finish: () => {} },
    });
    expect(uploaded.url).toBe(`s3://${S3_BUCKET}/big/${path.basename(file)}`);
    expect(uploaded.bytes).toBe(20 * 1024 * 1024);
    expect(new Set(parts).size).toBeGreaterThan(1); // progress per part: it went up in several
    expect((await listRemoteBackups(connection, { bucket: S3_BUCKET, prefix: 'big/' })).map((b) => b.url)).toEqual([uploaded.url]);

    const fetched = await fetchRemoteBackup(connection, uploaded.url, undefined, { key: SIGNING_KEY });
    try {
      expect(fs.readFileSync(fetched.file).equals(fs.readFileSync(file))).toBe(true);
    } finally {
      fetched.cleanup();
    }
    expect(fs.existsSync(fetched.file)).toBe(false);
  }, 120_000);
});
