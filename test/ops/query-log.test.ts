// DB_LOG_QUERIES=true: every SQL statement of a request reaches the log with its duration; off by
// default; refused in production unless DB_LOG_QUERIES=force.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ConfigError, parseConfig } from '../../src/config.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { describeEachDialect, testConfig, type ScratchDatabase } from '../helpers/app.js';
import { capturingLogger } from '../helpers/logs.js';
import { migratedScratch } from './fixtures.js';

describeEachDialect('DB_LOG_QUERIES', (dialect) => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await migratedScratch(dialect);
  });
  afterAll(async () => scratch?.drop());

  async function healthCheck(overrides: Record<string, string>) {
    const config = testConfig(scratch.url, overrides);
    const { logger, lines } = capturingLogger();
    const database = openConfiguredDatabase(config, logger);
    const app = await buildApp({ config, database, logger });
    try {
      const res = await app.inject({ method: 'GET', url: '/admin/health' });
      expect(res.statusCode).toBe(200);
    } finally {
      await app.close();
    }
    return lines.filter((l) => l.msg === 'sql');
  }

  it('true: each statement with its duration; unset: none', async () => {
    const logged = await healthCheck({ DB_LOG_QUERIES: 'true' });
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.some((l) => /^select 1/i.test(String(l.sql)))).toBe(true);
    for (const l of logged) expect(l.duration_ms).toEqual(expect.any(Number));
    expect(await healthCheck({})).toEqual([]);
  });
});

describe('DB_LOG_QUERIES in production', () => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'sqlite:./x.db', JWT_SECRET: 'a-production-secret-long-enough-for-hs256' };
  it('is refused unless forced', () => {
    expect(() => parseConfig({ ...production, DB_LOG_QUERIES: 'true' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...production, DB_LOG_QUERIES: 'true' })).toThrow(/DB_LOG_QUERIES.*force/);
    expect(parseConfig({ ...production, DB_LOG_QUERIES: 'force' }).DB_LOG_QUERIES).toBe('force');
    expect(parseConfig(production).DB_LOG_QUERIES).toBe('false');
  });
});
