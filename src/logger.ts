// pino options: JSON in production, readable in development; secrets never reach the logs.
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { Config } from './config.js';

const SECRET_FIELDS = ['password', 'current_password', 'new_password', 'hashed_password', 'access_token', 'refresh_token', 'token'];

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  // one and two levels down: `{ body: { password } }` and `{ req: { body: { password } } }`
  ...SECRET_FIELDS.flatMap((field) => [`*.${field}`, `*.*.${field}`]),
  '*.JWT_SECRET',
  '*.ADMIN_TOKEN',
];

const CENSOR = '[redacted]';

/** drizzle's DrizzleQueryError carries the bound values (a password hash, a token hash…) in its message. */
function isQueryError(error: unknown): error is Error & { query: string; params: unknown[] } {
  return error instanceof Error && typeof (error as { query?: unknown }).query === 'string' && Array.isArray((error as { params?: unknown }).params);
}

/**
 * pino's error serializer, minus the query parameters drizzle puts in the message (and in the
 * messages and stacks of the errors wrapping it): the SQL text is useful, the values are data.
 */
export function serializeError(error: Error) {
  const serialized = pino.stdSerializers.err(error); // returns a value that is not an error as it is
  const paramTexts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    // the exact text drizzle appended: `\nparams: ${params}`
    if (isQueryError(current)) paramTexts.push(`\nparams: ${String(current.params)}`);
  }
  if (paramTexts.length === 0) return serialized;
  const scrub = (text: string) => paramTexts.reduce((out, params) => out.split(params).join(`\nparams: ${CENSOR}`), text);
  serialized.message = scrub(serialized.message);
  serialized.stack = scrub(serialized.stack);
  if ('params' in serialized) serialized.params = CENSOR;
  return serialized;
}

export function loggerOptions(config: Pick<Config, 'NODE_ENV' | 'LOG_LEVEL'>): FastifyServerOptions['logger'] {
  const base = {
    level: config.NODE_ENV === 'test' ? 'silent' : config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    serializers: { err: serializeError },
  };
  if (config.NODE_ENV === 'development' && process.stdout.isTTY) {
    return { ...base, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } };
  }
  return base;
}

type Bindings = Record<string, unknown>;
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type LogArgs = Parameters<FastifyBaseLogger['info']>;
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A request's logger, made from its parent at the first line written at an enabled level. */
class LazyChildLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  #real(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings);
    return this.#child;
  }

  #write(level: Level, args: LogArgs): void {
    const logger = this.#child ?? this.parent;
    // pino's loggers say which levels write; another logger is asked every time
    const enabled = (logger as { isLevelEnabled?(level: string): boolean }).isLevelEnabled?.(level) ?? true;
    if (enabled) (this.#real()[level] as (...args: LogArgs) => void)(...args);
  }

  get level(): string {
    return (this.#child ?? this.parent).level;
  }
  set level(level: string) {
    this.#real().level = level;
  }
  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
  silent(): void {}
  fatal(...args: LogArgs): void {
    this.#write('fatal', args);
  }
  error(...args: LogArgs): void {
    this.#write('error', args);
  }
  warn(...args: LogArgs): void {
    this.#write('warn', args);
  }
  info(...args: LogArgs): void {
    this.#write('info', args);
  }
  debug(...args: LogArgs): void {
    this.#write('debug', args);
  }
  trace(...args: LogArgs): void {
    this.#write('trace', args);
  }
}

/**
 * Fastify's childLoggerFactory: each request's logger (`request.log`, bound to its reqId) is made
 * only when the request writes a line at an enabled level. Making a pino child runs every binding
 * through the redaction (the wildcard paths above): 8 µs of a 200 µs GET in the benchmark's
 * profile, for a logger that at LOG_LEVEL=warn almost never writes. The lines are the child's.
 */
export function lazyRequestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions): FastifyBaseLogger {
  // a route's own level or serializers change what the child writes: made now, as Fastify would
  for (const _ in options) return parent.child(bindings, options);
  return new LazyChildLogger(parent, bindings);
}
