// Writes the OpenAPI document the app serves at /docs/json to a file: `npm run openapi` (the committed
// openapi.json), `npm run lint:openapi` (for Spectral); the OpenAPI tests import it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';

export async function dumpOpenApi(file: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-openapi-'));
  try {
    const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: `sqlite:${path.join(dir, 'openapi.db')}`, SEED_ON_START: 'false' });
    const app = await buildApp({ config, database: openConfiguredDatabase(config) });
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    await app.close();
    if (res.statusCode !== 200) throw new Error(`GET /docs/json answered ${res.statusCode}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(res.json(), null, 2)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await dumpOpenApi(process.argv[2] ?? '.tmp/openapi.json');
}
