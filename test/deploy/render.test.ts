// render.yaml against the code: every variable it sets exists in src/config.ts and parses, every
// variable production requires is provided, the database it points at is the one it declares,
// and the Dockerfile is the image it promises (multi-stage, production deps, non-root, health).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, parseConfig } from '../../src/config.js';
import { cronJob, PROJECT_ROOT, readBlueprint, renderEnvironment, webService } from './blueprint.js';

const blueprint = readBlueprint();
const service = webService(blueprint);
const MANUAL = { CORS_ORIGINS: 'https://mathakine.example' };

/** The variables parseConfig reports missing for `env`. */
function missingInProduction(env: Record<string, string>): string[] {
  try {
    parseConfig({ ...env, NODE_ENV: 'production' });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [...error.message.matchAll(/^\s+(\w+) is required/gm)].map((m) => m[1]);
  }
}

describe('render.yaml', () => {
  it('declares a Frankfurt web service with the health check, the safe migration and a graceful stop', () => {
    expect(service.region).toBe('frankfurt');
    expect(['docker', 'node']).toContain(service.runtime);
    expect(service.healthCheckPath).toBe('/admin/health');
    expect(service.preDeployCommand).toBe('node bin/mathakine.js db migrate');
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'bin/mathakine.js'))).toBe(true);
    if (service.runtime === 'docker') expect(fs.existsSync(path.join(PROJECT_ROOT, service.dockerfilePath ?? 'Dockerfile'))).toBe(true);
    // pre-deploy commands only run on paid instance types
    expect(service.plan).toBeDefined();
    expect(service.plan).not.toBe('free');
  });

  it('runs `db maintenance` daily as a cron job of the same image, with a production environment that parses', () => {
    const job = cronJob(blueprint, 'mathakine-maintenance');
    expect(job.dockerCommand).toBe('node bin/mathakine.js db maintenance');
    expect(job.runtime).toBe(service.runtime);
    expect(job.dockerfilePath).toBe(service.dockerfilePath);
    expect(job.region).toBe(service.region);
    // five cron fields, a fixed minute and hour, every day
    expect(job.schedule).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    const keys = job.envVars.map((v) => v.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(CONFIG_KEYS, `${key} is not read by src/config.ts`).toContain(key);
    for (const spec of job.envVars.filter((v) => v.fromService)) {
      expect(spec.fromService!.name, spec.key).toBe(service.name);
      expect(
        service.envVars.map((v) => v.key),
        spec.key,
      ).toContain(spec.fromService!.envVarKey);
    }
    const web = renderEnvironment(service, MANUAL);
    const env = renderEnvironment(job, {}, { [service.name]: web });
    expect(missingInProduction(env)).toEqual([]);
    const config = parseConfig(env);
    expect(config.database).toEqual(parseConfig(web).database); // the same database as the web service
    expect(config.JWT_SECRET).toBe(web.JWT_SECRET);
  });

  it('takes DATABASE_URL from the PostgreSQL database it declares, in the same region', () => {
    const databaseUrl = service.envVars.find((v) => v.key === 'DATABASE_URL');
    expect(databaseUrl?.fromDatabase?.property).toBe('connectionString');
    const database = blueprint.databases.find((d) => d.name === databaseUrl?.fromDatabase?.name);
    expect(database, 'the database DATABASE_URL names').toBeDefined();
    expect(database!.region).toBe(service.region);
  });

  it('generates the secrets instead of writing them down', () => {
    for (const key of ['JWT_SECRET', 'ADMIN_TOKEN']) {
      const spec = service.envVars.find((v) => v.key === key);
      expect(spec, key).toMatchObject({ generateValue: true });
      expect(spec!.value, key).toBeUndefined();
    }
  });

  it('names only variables the code reads, each once', () => {
    const keys = service.envVars.map((v) => v.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(CONFIG_KEYS, `${key} is not read by src/config.ts`).toContain(key);
  });

  it('provides every variable production requires, and every value parses', () => {
    // The code's own list: what parseConfig refuses to start without in production.
    const required = missingInProduction({});
    expect(required.length).toBeGreaterThan(0); // JWT_SECRET at least, so this check means something
    const env = renderEnvironment(service, MANUAL);
    expect(missingInProduction(env)).toEqual([]);
    for (const key of required) expect(env, key).toHaveProperty(key);

    const config = parseConfig(env); // throws, naming the variable, if any value is malformed
    expect(config.NODE_ENV).toBe('production');
    expect(config.database.dialect).toBe('postgres');
    expect(config.MIGRATE_ON_START).toBe(false); // the pre-deploy command migrates
    expect(config.CORS_ORIGINS).toEqual([MANUAL.CORS_ORIGINS]);
    // The pool settings are set explicitly, as the issue asks.
    for (const key of ['PG_POOL_MAX', 'PG_CONNECTION_TIMEOUT_MS', 'PG_STATEMENT_TIMEOUT_MS', 'PG_MAX_LIFETIME_SECONDS', 'PG_IDLE_TIMEOUT_MS']) {
      expect(env, key).toHaveProperty(key);
    }
    // In-flight requests get less time than Render waits before SIGKILL (30 s unless set).
    expect(config.SHUTDOWN_DRAIN_MS + config.SHUTDOWN_GRACE_MS).toBeLessThan((service.maxShutdownDelaySeconds ?? 30) * 1000);
    // A health check answers before Render's own probe gives up (5 s).
    expect(config.HEALTH_TIMEOUT_MS).toBeLessThan(5_000);
  });

  it('keeps the pools of all instances under the smallest plan’s connection limit', () => {
    const config = parseConfig(renderEnvironment(service, MANUAL));
    const instances = service.numInstances ?? 1;
    const reservedForCliAndPreDeploy = 5;
    expect(config.PG_POOL_MAX * instances + reservedForCliAndPreDeploy).toBeLessThanOrEqual(100);
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs
    .readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const finalStage = stages.at(-1) ?? '';

  it('builds in one stage with CI’s commands and runs a small, non-root final stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[0]).toMatch(/RUN npm run build\b/);
    expect(finalStage).toMatch(/^node:\$\{NODE_VERSION\}-\w+-slim|^node:(22|24)[\w.-]*slim/);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=(22|24)$/m);
    expect(finalStage).toMatch(/npm ci --omit=dev/);
    expect(finalStage).toMatch(/ENV NODE_ENV=production/);
    expect(finalStage).toMatch(/^USER node$/m);
    expect(finalStage).toMatch(/^HEALTHCHECK .*\n?.*CMD \["node"/m);
    expect(finalStage).not.toMatch(/curl|wget/);
    // node itself (PID 1, receives SIGTERM) runs dist/server.js, with V8 memory flags only
    expect(finalStage).toMatch(/^CMD \["node", (?:"--max-[a-z-]+-size=\d+", )*"dist\/server\.js"\]$/m);
    // what the runtime needs next to dist/: migrations and the CLI the pre-deploy command runs
    expect(finalStage).toMatch(/^COPY drizzle \.\/drizzle$/m);
    expect(finalStage).toMatch(/^COPY bin \.\/bin$/m);
  });

  it('keeps secrets, local databases and dependencies out of the build context', () => {
    const ignored = fs
      .readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', '.env', 'data', '*.db', '.git', 'dist']) expect(ignored).toContain(entry);
  });
});
