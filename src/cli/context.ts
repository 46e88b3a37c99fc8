// What every CLI command shares: the parsed config (with an optional --url override), an open
// database, and output either for people or, with --json, for scripts.
import { loadConfig, parseConfig, ConfigError, type Config } from '../config.js';
import { openConfiguredDatabase } from '../db/configured.js';
import type { Database } from '../db/client.js';

export interface CommonOptions {
  url?: string;
  json?: boolean;
}

export function cliConfig(options: CommonOptions = {}): Config {
  try {
    const config = loadConfig();
    return options.url ? parseConfig({ ...process.env, DATABASE_URL: options.url, NODE_ENV: config.NODE_ENV }) : config;
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** Opens the configured database, runs `fn`, closes the database whatever happens. */
export async function withDatabase<T>(options: CommonOptions, fn: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = cliConfig(options);
  const database = openConfiguredDatabase(config);
  try {
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

/** Prints `result` as JSON (--json) or through `human`. */
export function output<T>(options: CommonOptions, result: T, human: (r: T) => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${human(result)}\n`);
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}
