// render.yaml, parsed: the web service, its database, and the environment Render would give it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from './server-process.js';

export { PROJECT_ROOT };

export interface EnvVarSpec {
  key: string;
  value?: string | number | boolean;
  generateValue?: boolean;
  sync?: boolean;
  fromDatabase?: { name: string; property: string };
  fromService?: { type: string; name: string; envVarKey: string };
}

export interface WebServiceSpec {
  type: string;
  name: string;
  runtime: string;
  region: string;
  plan?: string;
  healthCheckPath: string;
  preDeployCommand?: string;
  startCommand?: string;
  dockerfilePath?: string;
  maxShutdownDelaySeconds?: number;
  numInstances?: number;
  schedule?: string;
  dockerCommand?: string;
  envVars: EnvVarSpec[];
}

export interface DatabaseSpec {
  name: string;
  region: string;
  databaseName?: string;
  postgresMajorVersion?: string;
  ipAllowList?: unknown[];
}

export interface Blueprint {
  services: WebServiceSpec[];
  databases: DatabaseSpec[];
}

export function readBlueprint(): Blueprint {
  return parse(fs.readFileSync(path.join(PROJECT_ROOT, 'render.yaml'), 'utf8')) as Blueprint;
}

export function webService(blueprint: Blueprint): WebServiceSpec {
  const web = blueprint.services.filter((s) => s.type === 'web');
  if (web.length !== 1) throw new Error(`expected one web service in render.yaml, found ${web.length}`);
  return web[0];
}

export function cronJob(blueprint: Blueprint, name: string): WebServiceSpec {
  const job = blueprint.services.find((s) => s.type === 'cron' && s.name === name);
  if (!job) throw new Error(`no cron job ${name} in render.yaml`);
  return job;
}

/**
 * The environment Render would start the service with: literal values as strings, a generated
 * value like Render's (256 random bits, base64), a database's connection string shaped like
 * Render's internal URL. `sync: false` variables are typed in the dashboard: `manual` supplies them.
 */
export function renderEnvironment(
  service: WebServiceSpec,
  manual: Record<string, string> = {},
  services: Record<string, Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const spec of service.envVars) {
    if (spec.value !== undefined) env[spec.key] = String(spec.value);
    else if (spec.generateValue) env[spec.key] = randomBytes(32).toString('base64');
    else if (spec.fromDatabase?.property === 'connectionString') env[spec.key] = `postgresql://mathakine:s3cret@dpg-example-a/${spec.fromDatabase.name}`;
    else if (spec.sync === false && manual[spec.key] !== undefined) env[spec.key] = manual[spec.key];
    else if (spec.fromService && services[spec.fromService.name]?.[spec.fromService.envVarKey] !== undefined)
      env[spec.key] = services[spec.fromService.name][spec.fromService.envVarKey];
  }
  return env;
}
