// Process entry: config → database (+ migrations) → buildApp → listen. SIGTERM/SIGINT close it
// gracefully: stop accepting, let in-flight requests finish (bounded), close the pool, exit 0.
import pino from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openConfiguredDatabase } from './db/configured.js';
import { applyMigrations } from './db/migrate.js';
import { describeTarget } from './db/url.js';
import { loggerOptions } from './logger.js';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = pino(loggerOptions(config) as pino.LoggerOptions);
  const database = openConfiguredDatabase(config, logger);
  const app = await buildApp({ config, database, logger });

  if (database.dialect === 'sqlite' || config.MIGRATE_ON_START) {
    const applied = await applyMigrations(database);
    app.log.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const forceExit = setTimeout(() => {
      app.log.error('grace period over, exiting with requests still in flight');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    forceExit.unref();
    try {
      await app.close(); // stops accepting, waits for in-flight requests, then closes the pool
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error while closing');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info(`serving on ${describeTarget(config.DATABASE_URL)}; API docs at /docs`);
}

main().catch((error) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
