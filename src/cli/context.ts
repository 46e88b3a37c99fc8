// What every CLI command shares: the parsed config (with an optional --url override), an open
// database, and output either for people or, with --json, for scripts.
import { Option, type Command } from 'commander';
import { loadConfig, parseConfig, ConfigError, type Config } from '../config.js';
import { openConfiguredDatabase } from '../db/configured.js';
import type { Database } from '../db/client.js';
import { runCommand } from './actions.js';

export interface CommonOptions {
  url?: string;
  json?: boolean;
}

export const urlOption = () => new Option('--url <url>', 'database URL (default: DATABASE_URL from the environment or .env)');
export const jsonOption = () => new Option('--json', 'print the result as JSON (for scripts)');

export function cliConfig(options: CommonOptions = {}): Config {
  try {
    const config = loadConfig();
    return options.url ? parseConfig({ ...process.env, DATABASE_URL: options.url, NODE_ENV: config.NODE_ENV }) : config;
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** Opens the configured database (or --url), runs `fn`, closes the database whatever happens. */
export async function withConfiguredDatabase<T>(options: CommonOptions, fn: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = cliConfig(options);
  const database = openConfiguredDatabase(config);
  try {
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

type DatabaseCommandBody<O> = (database: Database, config: Config, options: O, args: string[]) => Promise<boolean | void>;

/**
 * Completes a command that works on the database: adds --url and --json, and runs `body` with the
 * open database (closed afterwards) through runCommand (false or a thrown error: exit code 1).
 */
export function databaseCommand<O extends CommonOptions>(command: Command, body: DatabaseCommandBody<O>): Command {
  return command
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((...params: unknown[]) => {
      // commander passes the positional arguments, then the options, then the command itself
      const options = params.at(-2) as O;
      const args = params.slice(0, -2) as string[];
      return runCommand(options, () => withConfiguredDatabase(options, (database, config) => body(database, config, options, args)));
    });
}

/** Prints `result` as JSON (--json) or through `human`. */
export function output<T>(options: CommonOptions, result: T, human: (r: T) => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${human(result)}\n`);
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}
