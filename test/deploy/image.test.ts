// The image's runtime layout without a Docker engine: compile with the build's tsconfig (what
// `npm run build` runs) into a scratch /app-like folder holding dist/, drizzle/, bin/ and
// package.json only — no src/, so bin/mathakine.js can only work through dist/cli.js. Then run
// render.yaml's pre-deploy command and `node dist/server.js` there, on both dialects.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createScratchDatabase, describeEachDialect, type ScratchDatabase } from '../helpers/app.js';
import { readBlueprint, webService } from './blueprint.js';
import { httpRequest, PROJECT_ROOT, startServer, type ServerProcess, stopAndDrop } from './server-process.js';

const run = promisify(execFile);
const service = webService(readBlueprint());
const imageRoot = path.join(PROJECT_ROOT, '.tmp', `image-${process.pid}-${randomBytes(3).toString('hex')}`);

beforeAll(async () => {
  fs.mkdirSync(imageRoot, { recursive: true });
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(imageRoot, 'dist')], { cwd: PROJECT_ROOT });
  // npm run build's second step: the admin page's static files next to the compiled code
  fs.cpSync(path.join(PROJECT_ROOT, 'src/modules/admin/page'), path.join(imageRoot, 'dist/modules/admin/page'), { recursive: true });
  fs.cpSync(path.join(PROJECT_ROOT, 'drizzle'), path.join(imageRoot, 'drizzle'), { recursive: true });
  fs.cpSync(path.join(PROJECT_ROOT, 'bin'), path.join(imageRoot, 'bin'), { recursive: true });
  fs.copyFileSync(path.join(PROJECT_ROOT, 'package.json'), path.join(imageRoot, 'package.json'));
  // node_modules resolves from the project above, as /app/node_modules does in the image
}, 120_000);

afterAll(() => {
  fs.rmSync(imageRoot, { recursive: true, force: true });
});

describeEachDialect('the built image layout', (dialect) => {
  let scratch: ScratchDatabase | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await stopAndDrop(server, scratch);
    server = scratch = undefined;
  });

  it('migrates with the pre-deploy command, then serves from dist/ and stops cleanly', async () => {
    expect(fs.existsSync(path.join(imageRoot, 'src'))).toBe(false);
    scratch = await createScratchDatabase(dialect);
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: scratch.url,
      JWT_SECRET: 'a-test-secret-that-is-long-enough-for-hs256',
      BACKUP_DIR: path.join(imageRoot, `backups-${dialect}`),
    };
    const [command, ...args] = service.preDeployCommand!.split(' ');
    expect(command).toBe('node');
    const migrated = await run(process.execPath, args, { cwd: imageRoot, env });
    expect(migrated.stdout).toMatch(/migrat/i);

    // MIGRATE_ON_START=false, as on Render: the schema must already be there.
    server = await startServer({ ...env, MIGRATE_ON_START: 'false', SEED_ON_START: 'true' }, { args: ['dist/server.js'], cwd: imageRoot });
    const agent = new http.Agent({ keepAlive: true });
    const health = await httpRequest(agent, server.baseUrl, { method: 'GET', path: service.healthCheckPath });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body!)).toEqual({ status: 'pass' });
    // the seeded content is there and the API answers through the compiled code
    const types = await httpRequest(agent, server.baseUrl, { method: 'GET', path: '/api/exercises/types' });
    expect(types.status).toBe(200);
    agent.destroy();

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
