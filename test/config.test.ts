import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

describe('config', () => {
  it('has working defaults: embedded SQLite on 0.0.0.0:3000', () => {
    const config = parseConfig({});
    expect(config.database).toEqual({ dialect: 'sqlite', path: './data/mathakine.db' });
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.PORT).toBe(3000);
    expect(config.PG_POOL_MAX).toBe(30);
    expect(config.PG_MAX_LIFETIME_SECONDS).toBe(300);
  });

  it.each([
    ['sqlite:./x.db', { dialect: 'sqlite', path: './x.db' }],
    ['file:/tmp/a.sqlite', { dialect: 'sqlite', path: '/tmp/a.sqlite' }],
    ['data/app.db', { dialect: 'sqlite', path: 'data/app.db' }],
    ['postgresql://u:p@h:5432/d?sslmode=require', { dialect: 'postgres', url: 'postgresql://u:p@h:5432/d?sslmode=require' }],
  ])('reads DATABASE_URL %s', (url, expected) => {
    expect(parseConfig({ DATABASE_URL: url }).database).toEqual(expected);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://root@localhost/db' }, 'DATABASE_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ ADMIN_TOKEN: 'a'.repeat(31) }, 'ADMIN_TOKEN'],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START'],
  ])('names the bad variable in one readable message: %o', (env, variable) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    try {
      parseConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(new RegExp(`^Invalid configuration:\\n\\s+${variable} `));
    }
  });

  it('takes an ADMIN_TOKEN of 32 characters or more, and says how long it must be', () => {
    expect(parseConfig({ ADMIN_TOKEN: 'a'.repeat(32) }).ADMIN_TOKEN).toBe('a'.repeat(32));
    expect(() => parseConfig({ ADMIN_TOKEN: 'twenty-four-characters!!' })).toThrow(/ADMIN_TOKEN must be at least 32 characters/);
  });

  it('stops the server at start with that message and no stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('src/server.ts')], {
      env: { ...process.env, DATABASE_URL: 'mysql://root@localhost/db', NODE_ENV: 'development' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL must be sqlite:PATH');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
