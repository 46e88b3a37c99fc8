// A local S3-compatible server (s3rver, files in a temp folder) on a free port, for the tests of
// backups shipped to BACKUP_URL; `client` talks to it directly to inspect or damage objects.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll } from 'vitest';

export const S3_BUCKET = 'mathakine-backups';
// s3rver's built-in key pair
const KEY = 'S3RVER';

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  /** the standard variables the CLI reads for the store */
  env: Record<string, string>;
}

/** Registers beforeAll/afterAll for the enclosing describe; the returned object is filled in by beforeAll. */
export function useLocalS3(): LocalS3 {
  const context = {} as LocalS3;
  let server: S3rver;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-s3-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: S3_BUCKET }] });
    const { port } = await server.run();
    context.endpoint = `http://127.0.0.1:${port}`;
    context.client = new S3Client({
      endpoint: context.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: KEY, secretAccessKey: KEY },
    });
    context.env = { AWS_ENDPOINT_URL: context.endpoint, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: KEY, AWS_REGION: 'us-east-1' };
  });
  afterAll(async () => {
    context.client?.destroy();
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return context;
}
