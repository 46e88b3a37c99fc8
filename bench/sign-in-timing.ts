// How long a failed sign-in takes for a name no account has, an argon2id account and an account
// imported from the original (bcrypt, cost 12): they must not differ, or timing tells which names
// exist. Through HTTP (app.inject) on a scratch SQLite database, each try from a fresh address (no
// throttling), the three kinds interleaved; then again once the imported account has signed in
// (its hash upgraded to argon2id: no bcrypt hash left).
//
//   npx tsx bench/sign-in-timing.ts [--rounds 15]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { openConfiguredDatabase } from '../src/db/configured.js';
import { applyMigrations } from '../src/db/migrate.js';
import { hashPassword, LEGACY_BCRYPT_COST } from '../src/domain/accounts/passwords.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
const rounds = Number(values.rounds);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mathakine-sign-in-timing-'));
const config = parseConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: `sqlite:${path.join(dir, 'timing.db')}`,
  JWT_SECRET: 'sign-in-timing-secret-long-enough-for-hs256',
  SEED_ON_START: 'false',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
  RATE_LIMIT_PER_MINUTE: '1000000',
});
const database = openConfiguredDatabase(config);
await applyMigrations(database);
const { users } = database.tables;
await database.transaction((tx) =>
  tx.insert(users).values([
    { username: 'argon2_account', email: 'argon2@example.org', hashed_password: '' },
    { username: 'bcrypt_account', email: 'bcrypt@example.org', hashed_password: '' },
  ]),
);
const argon2Hash = await hashPassword('the real password');
const bcryptHash = await bcrypt.hash('the real password', LEGACY_BCRYPT_COST);
await database.transaction(async (tx) => {
  await tx.update(users).set({ hashed_password: argon2Hash }).where(eq(users.username, 'argon2_account'));
  await tx.update(users).set({ hashed_password: bcryptHash }).where(eq(users.username, 'bcrypt_account'));
});
let app = await buildApp({ config, database });
await app.ready();

let address = 0;
async function failedSignIn(username: string): Promise<number> {
  address++;
  const remoteAddress = `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
  const started = performance.now();
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password: 'a wrong password' } });
  const ms = performance.now() - started;
  if (res.statusCode !== 401) throw new Error(`${username}: expected 401, got ${res.statusCode} ${res.body}`);
  return ms;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function measure(names: string[], title: string): Promise<void> {
  for (const name of names) await failedSignIn(name); // warm-up: decoy hashes made, statements prepared
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) for (const name of names) times.get(name)!.push(await failedSignIn(name));
  console.log(`\n${title} (${rounds} failed sign-ins each, ms)`);
  console.log('name                median    p10    p90');
  for (const [name, list] of times) {
    const sorted = [...list].sort((a, b) => a - b);
    const cells = [0.5, 0.1, 0.9].map((q) => quantile(sorted, q).toFixed(1).padStart(6));
    console.log(`${name.padEnd(18)} ${cells.join(' ')}`);
  }
}

let second: ReturnType<typeof openConfiguredDatabase> | undefined;
try {
  await measure(['no_such_account', 'argon2_account', 'bcrypt_account'], 'With an imported bcrypt account in the database');
  // the bcrypt account signs in once: its hash becomes argon2id, none is left
  await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: '192.0.2.1',
    payload: { username: 'bcrypt_account', password: 'the real password' },
  });
  await app.close();
  // a new instance asks afresh whether bcrypt hashes remain (each asks at most once a minute)
  second = openConfiguredDatabase(config);
  app = await buildApp({ config, database: second });
  await app.ready();
  await measure(['no_such_account', 'argon2_account', 'bcrypt_account'], 'With no bcrypt hash left (the imported account upgraded)');
} finally {
  await app.close();
  await database.close();
  await second?.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
