// Backups that outlive the container: with BACKUP_URL=s3://bucket/prefix, `db backup` uploads its
// verified file to an S3-compatible store (here s3rver, started by the test), `db backups` lists
// it, `db restore latest|s3://…` brings back exactly the state of the backup; retention applies in
// the bucket; a damaged object is refused before the database is touched; wrong credentials are
// one clear line, never a stack trace.
import fs from 'node:fs';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/app.js';
import { S3_BUCKET, useLocalS3 } from '../helpers/s3-server.js';
import { changeSampleState, execSql, snapshot } from '../ops/fixtures.js';
import { useCliScratch } from './cli-scratch.js';
import { runCli, type CliResult } from './run-cli.js';

describeEachDialect('mathakine db backup / restore to an S3-compatible store', (dialect) => {
  const s3 = useLocalS3();
  const ctx = useCliScratch(dialect, {
    name: 's3',
    sampleRows: true,
    env: { BACKUP_DIR: './backups', BACKUP_SIGNING_KEY: 'test-backup-signing-key-0123456789abcdef' },
  });
  const prefix = `nightly/${dialect}`;
  beforeAll(() => {
    Object.assign(ctx.env, s3.env, { BACKUP_URL: `s3://${S3_BUCKET}/${prefix}` });
  });
  const { cli } = ctx;
  const ext = dialect === 'sqlite' ? 'db' : 'dump';

  async function bucketKeys(): Promise<string[]> {
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: S3_BUCKET, Prefix: `${prefix}/` }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  }

  /** Fails unless the command failed with one `error:` line and no stack trace. */
  function expectOneLineError(res: CliResult, cause: RegExp) {
    expect(res.code).toBe(1);
    const errors = res.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors, res.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(cause);
    expect(res.stderr + res.stdout).not.toMatch(/^\s+at /m);
  }

  it('round trip: backup → list → restore latest gives back the same rows, from the bucket alone', async () => {
    const before = await snapshot(ctx.scratch.url);
    const backup = await cli('db', 'backup', '--json');
    expect(backup.code, backup.stderr).toBe(0);
    const written = backup.json();
    const key = `${prefix}/${path.basename(written.file)}`;
    expect(written.remote).toMatchObject({ url: `s3://${S3_BUCKET}/${key}`, bytes: written.bytes, pruned: [] });
    expect(written.remote.verification).toMatch(/read back .* sha256 .* matches/);
    // the object is the file, with its checksum as metadata
    const object = await s3.client.send(new GetObjectCommand({ Bucket: S3_BUCKET, Key: key }));
    const body = Buffer.from(await object.Body!.transformToByteArray());
    expect(body.equals(fs.readFileSync(written.file))).toBe(true);
    expect(object.Metadata?.sha256).toBe(written.remote.sha256);

    const listed = await cli('db', 'backups', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json().remote.url).toBe(`s3://${S3_BUCKET}/${prefix}`);
    expect(listed.json().remote.backups.map((b: { url: string }) => b.url)).toEqual([written.remote.url]);
    expect(listed.json().local.backups.map((b: { file: string }) => b.file)).toEqual([written.file]);
    const human = await cli('db', 'backups');
    expect(human.stdout).toContain(written.remote.url);

    // the container's disk is gone: only the bucket has the backup
    fs.rmSync(path.join(ctx.cwd, 'backups'), { recursive: true });
    await changeSampleState(ctx.scratch.url);
    expect(await snapshot(ctx.scratch.url)).not.toEqual(before);

    const restored = await cli('db', 'restore', 'latest', '--yes', '--json');
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json().file).toBe(written.remote.url);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);

    // by its URL too, with no BACKUP_URL set (endpoint and key from the environment)
    await execSql(ctx.scratch.url, [`delete from attempts`]);
    const { BACKUP_URL: _unset, ...withoutUrl } = ctx.env;
    const byUrl = await runIn(withoutUrl, 'db', 'restore', written.remote.url, '--yes', '--json');
    expect(byUrl.code, byUrl.stderr).toBe(0);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  }, 180_000);

  it('keeps the n newest backups in the bucket too, and never touches other objects', async () => {
    await s3.client.send(new PutObjectCommand({ Bucket: S3_BUCKET, Key: `${prefix}/README.txt`, Body: 'not a backup' }));
    const ancient = `${prefix}/mathakine-${dialect}-20200101-000000-000.${ext}`;
    await s3.client.send(new PutObjectCommand({ Bucket: S3_BUCKET, Key: ancient, Body: 'an old backup' }));
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const res = await cli('db', 'backup', '--json', '--keep', '2');
      expect(res.code, res.stderr).toBe(0);
      runs.push(res.json());
    }
    const newest = runs.slice(-2).map((r) => r.remote.url.replace(`s3://${S3_BUCKET}/`, ''));
    expect(await bucketKeys()).toEqual([...newest, `${prefix}/README.txt`].sort());
    expect(runs.flatMap((r) => r.remote.pruned)).toContain(`s3://${S3_BUCKET}/${ancient}`);
    const listed = (await cli('db', 'backups', '--json')).json();
    expect(listed.remote.backups.map((b: { url: string }) => b.url)).toEqual(
      runs
        .slice(-2)
        .map((r) => r.remote.url)
        .reverse(),
    );
  }, 180_000);

  it('refuses a damaged or unverifiable object before touching the database', async () => {
    const res = await cli('db', 'backup', '--json');
    expect(res.code, res.stderr).toBe(0);
    const { url, sha256 } = res.json().remote;
    const key = url.replace(`s3://${S3_BUCKET}/`, '');
    const whole = fs.readFileSync(res.json().file);
    await execSql(ctx.scratch.url, [`update users set full_name = 'changed after the backup' where id = 1`]);
    const before = await snapshot(ctx.scratch.url);

    // truncated, with the metadata of the whole file
    await s3.client.send(new PutObjectCommand({ Bucket: S3_BUCKET, Key: key, Body: whole.subarray(0, Math.floor(whole.length / 2)), Metadata: { sha256 } }));
    for (const source of [url, 'latest']) {
      const refused = await cli('db', 'restore', source, '--yes');
      expectOneLineError(refused, /is corrupt: its sha256 is/);
    }
    // whole again but without its checksum: nothing to verify it against
    await s3.client.send(new PutObjectCommand({ Bucket: S3_BUCKET, Key: key, Body: whole }));
    expectOneLineError(await cli('db', 'restore', url, '--yes'), /no sha256 metadata/);
    expectOneLineError(await cli('db', 'restore', `s3://${S3_BUCKET}/${prefix}/missing.${ext}`, '--yes'), /no such object/);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
  }, 180_000);

  it('refuses a planted object: right SHA-256 but no signature, a wrong one, or a genuine one replayed under a newer name', async () => {
    const res = await cli('db', 'backup', '--json');
    expect(res.code, res.stderr).toBe(0);
    const { url, sha256 } = res.json().remote;
    expect(res.json().remote.verification).toMatch(/, signed$/);
    const genuine = await s3.client.send(new GetObjectCommand({ Bucket: S3_BUCKET, Key: url.replace(`s3://${S3_BUCKET}/`, '') }));
    expect(genuine.Metadata?.signature).toMatch(/^[0-9a-f]{64}$/);
    const whole = fs.readFileSync(res.json().file);
    await execSql(ctx.scratch.url, [`update users set full_name = 'changed after the backup' where id = 1`]);
    const before = await snapshot(ctx.scratch.url);

    // newer than any backup: what `latest` picks
    const iso = new Date(Date.now() + 3_600_000).toISOString();
    const planted = `${prefix}/mathakine-${dialect}-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}.${ext}`;
    const plantedUrl = `s3://${S3_BUCKET}/${planted}`;
    const plant = (metadata: Record<string, string>) =>
      s3.client.send(new PutObjectCommand({ Bucket: S3_BUCKET, Key: planted, Body: whole, Metadata: metadata }));
    for (const [metadata, cause] of [
      [{ sha256 }, /not signed/],
      [{ sha256, signature: 'ab'.repeat(32) }, /signature does not match/],
      [{ sha256, signature: genuine.Metadata!.signature! }, /signature does not match/], // signed for another name
    ] as const) {
      await plant(metadata);
      for (const source of ['latest', plantedUrl]) expectOneLineError(await cli('db', 'restore', source, '--yes'), cause);
    }
    expect(await snapshot(ctx.scratch.url)).toEqual(before);
    // without the key nothing can be verified: refused too
    const { BACKUP_SIGNING_KEY: _key, ...keyless } = ctx.env;
    expectOneLineError(await runIn(keyless, 'db', 'restore', url, '--yes'), /BACKUP_SIGNING_KEY is not set/);
    expect(await snapshot(ctx.scratch.url)).toEqual(before);

    // the operator may vouch for it
    const allowed = await cli('db', 'restore', 'latest', '--yes', '--allow-unsigned', '--json');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.json().file).toBe(plantedUrl);
    await s3.client.send(new DeleteObjectCommand({ Bucket: S3_BUCKET, Key: planted }));

    // locally: the signature beside the file, 0600 like the backup
    const file: string = res.json().file;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${file}.sig`).mode & 0o777).toBe(0o600);
    const local = await cli('db', 'restore', file, '--yes', '--json');
    expect(local.code, local.stderr).toBe(0);
    fs.rmSync(`${file}.sig`);
    expectOneLineError(await cli('db', 'restore', file, '--yes'), /not signed/);
    fs.writeFileSync(`${file}.sig`, `hmac-sha256:${'cd'.repeat(32)}\n`);
    expectOneLineError(await cli('db', 'restore', file, '--yes'), /signature does not match/);
  }, 180_000);

  it('names wrong credentials, a missing bucket or an unreachable store in one line; maintenance fails on them', async () => {
    const wrongKey = { ...ctx.env, AWS_ACCESS_KEY_ID: 'NOT-OUR-KEY' };
    expectOneLineError(await runIn(wrongKey, 'db', 'backup'), /refused the credentials \(InvalidAccessKeyId\).*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expectOneLineError(await runIn(wrongKey, 'db', 'backups'), /refused the credentials/);
    expectOneLineError(await runIn(wrongKey, 'db', 'restore', 'latest', '--yes'), /refused the credentials/);
    expectOneLineError(await runIn({ ...ctx.env, BACKUP_URL: 's3://no-such-bucket/x' }, 'db', 'backup'), /bucket does not exist/);
    expectOneLineError(
      await runIn({ ...ctx.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }, 'db', 'backups'),
      /cannot reach the store at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/,
    );
    // half a key pair is a configuration error, named like every other one
    const halfKey = await runIn({ ...ctx.env, AWS_SECRET_ACCESS_KEY: '' }, 'db', 'backup');
    expect(halfKey.code).toBe(1);
    expect(halfKey.stderr).toMatch(/Invalid configuration:\n\s+AWS_SECRET_ACCESS_KEY is required with the other half/);

    const failed = await runIn(wrongKey, 'db', 'maintenance', '--json');
    expect(failed.code).toBe(1);
    expect(failed.json().steps.find((s: { name: string }) => s.name === 'backup')).toMatchObject({
      ok: false,
      summary: expect.stringMatching(/refused the credentials/),
    });

    // the bucket's retention in maintenance: --keep, and --days for the old ones
    const hoursAgo = (h: number) => {
      const iso = new Date(Date.now() - h * 3_600_000).toISOString();
      return `${prefix}/mathakine-${dialect}-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}.${ext}`;
    };
    const [recent, older, oldest, ancient] = [hoursAgo(1), hoursAgo(2), hoursAgo(3), hoursAgo(24 * 400)];
    for (const key of [recent, older, oldest, ancient]) await s3.client.send(new PutObjectCommand({ Bucket: S3_BUCKET, Key: key, Body: 'x' }));
    const before = await bucketKeys();
    const ok = await cli('db', 'maintenance', '--json', '--keep', '3', '--days', '30');
    expect(ok.code, ok.stderr).toBe(0);
    const step = ok.json().steps.find((s: { name: string }) => s.name === 'backup');
    expect(step).toMatchObject({
      ok: true,
      summary: expect.stringMatching(new RegExp(`uploaded s3://${S3_BUCKET}/${prefix}/mathakine-${dialect}-.*sha256 .* matches`)),
    });
    const after = await bucketKeys();
    expect(after.filter((k) => k.endsWith(`.${ext}`))).toHaveLength(3);
    expect(after.filter((k) => !before.includes(k))).toHaveLength(1);
    expect(after).not.toContain(oldest);
    expect(after).not.toContain(ancient);
  }, 180_000);

  const runIn = (env: Record<string, string>, ...args: string[]) => runCli(args, { env, cwd: ctx.cwd });
});
