// Process entry: config → database (+ migrations) → buildApp → listen. SIGTERM/SIGINT drain it
// (SHUTDOWN_DRAIN_MS), then close it: stop accepting, finish requests in flight, close the pool.
import pino from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openConfiguredDatabase } from './db/configured.js';
import { databaseErrorLine } from './ops/format.js';
import { prepareDatabaseAtStart } from './ops/startup.js';
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

  // loggerOptions() is typed for Fastify's `logger` option, which is pino's options or a boolean; it returns the options.
  const options = loggerOptions(config) as pino.LoggerOptions;
  // The destination pino would make (stdout, written asynchronously), held so exits can wait for it.
  const destination = options.transport ? undefined : pino.destination({ dest: 1, sync: false });
  const logger = destination ? pino(options, destination) : pino(options);
  const exit = (code: number) => exitOnceLogged(destination, code);
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    exit(1);
  });

  const database = openConfiguredDatabase(config, logger);
  const app = await buildApp({ config, database, logger });

  // Render sends SIGTERM on every deploy and waits 30 s (maxShutdownDelaySeconds) before SIGKILL;
  // SHUTDOWN_DRAIN_MS + SHUTDOWN_GRACE_MS (5 + 20 s by default) keeps us inside that. Installed
  // before migrations, so a deploy cancelled during start still closes the pool.
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const forceExit = setTimeout(() => {
      app.log.error('grace period over, exiting with requests still in flight');
      exit(1);
    }, config.SHUTDOWN_DRAIN_MS + config.SHUTDOWN_GRACE_MS);
    forceExit.unref();
    if (config.SHUTDOWN_DRAIN_MS > 0 && app.server.listening) {
      // connections opened now are still served: closing the listener at once resets some of them
      app.startDraining();
      app.log.info({ signal, drainMs: config.SHUTDOWN_DRAIN_MS }, 'draining: health answers 503, connections close after each answer');
      await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
    }
    app.log.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'shutting down: no new connections, finishing requests in flight');
    try {
      // Stops listening, closes idle keep-alive sockets, waits for requests in flight (each is
      // answered with `Connection: close`), then runs onClose hooks: the pool is closed last.
      await app.close();
      app.log.info('shut down cleanly');
      exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error while closing');
      exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));

  await prepareDatabaseAtStart(database, config, app.log);
  await database.warmUp(); // the first requests find their connections open
  if (closing) return; // a signal came during start: shutdown() is closing the app

  await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info(`serving on ${describeTarget(config.database)}; API docs at /docs`);
}

/**
 * Exits once every line logged so far is written. process.exit alone writes what pino holds but
 * drops the chunk a write is in flight with (tens of lines when stdout's pipe is full), and that
 * chunk can also land after the last line. Bounded: a stuck log pipe does not hold the exit.
 */
function exitOnceLogged(destination: ReturnType<typeof pino.destination> | undefined, code: number): void {
  process.exitCode = code;
  if (!destination) process.exit(code);
  setTimeout(() => process.exit(code), EXIT_LOG_WAIT_MS).unref();
  destination.once('close', () => process.exit(code));
  try {
    destination.end();
  } catch {
    process.exit(code); // already closed: an exit is under way
  }
}

const EXIT_LOG_WAIT_MS = 1_000;

main().catch((error) => {
  // one line for the deploy log, classified as `mathakine db status` does: the cause and the fix
  process.stderr.write(`Failed to start: ${databaseErrorLine(error)}\n`);
  process.exit(1);
});
