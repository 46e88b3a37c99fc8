// Every setting, read once from the environment (and ./.env when present) and checked with zod.
// A bad value stops the process at start with one message that names the variable.
import fs from 'node:fs';
import dotenv from 'dotenv';
import { z } from 'zod';
import { DEFAULT_SQLITE_PATH, parseDatabaseUrl } from './db/url.js';

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const flag = (fallback: boolean) => z.stringbool().default(fallback);
/** A comma-separated list; empty entries dropped. */
const commaList = () =>
  z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: int(3000, 0).refine((p) => p <= 65535, 'must be a port number (0-65535)'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z
      .string()
      .default(`sqlite:${DEFAULT_SQLITE_PATH}`)
      .transform((raw, ctx) => {
        const target = parseDatabaseUrl(raw);
        if (!target) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be sqlite:PATH (or a .db file path) or postgres://user@host:port/db',
          });
          return z.NEVER;
        }
        return target;
      }),
    // the database's own URL when DATABASE_URL goes through a transaction pooler: maintenance sessions
    // (optimize, tune, VACUUM with SET statement_timeout = 0) connect here, never through the pooler
    DATABASE_DIRECT_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    // PostgreSQL read replicas (streaming standbys), comma-separated: reads go there, writes to DATABASE_URL
    DATABASE_REPLICA_URLS: commaList().pipe(z.array(z.string().regex(/^postgres(ql)?:\/\//, 'must list postgres:// URLs, comma-separated'))),
    // a replica further behind the primary than this is skipped until it catches up
    REPLICA_MAX_LAG_SECONDS: z.coerce.number().min(0).default(5),
    // how often each replica's lag is measured
    REPLICA_CHECK_INTERVAL_MS: int(250, 50),
    MIGRATE_ON_START: flag(false),
    SEED_ON_START: flag(true),
    DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('mathakine-demo'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // capped: a stolen access token is also refused by the per-request account check, but keep its life short
    JWT_ACCESS_TTL_SECONDS: int(900, 60).pipe(z.number().max(3600)),
    REFRESH_TOKEN_TTL_DAYS: int(30, 1),
    // absolute lifetime of a session: refreshing never extends it past this many days from the sign-in
    REFRESH_SESSION_MAX_DAYS: int(90, 1),
    // SameSite of the sign-in cookies (src/plugins/cookies.ts): strict when the frontend is on the API's
    // site; none when it is on another site (two *.onrender.com names are two sites), CSRF tokens then doing the work
    AUTH_COOKIE_SAME_SITE: z.enum(['strict', 'lax', 'none']).default('strict'),
    // a bearer secret that anyone may try against /admin: long enough that guessing is hopeless
    ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. the output of `openssl rand -base64 32`)').optional(),
    // lets a Prometheus scraper read /metrics without an admin account (an archiviste's token works too)
    METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
    CORS_ORIGINS: commaList(),
    RATE_LIMIT_PER_MINUTE: int(300, 1),
    AUTH_RATE_LIMIT_PER_MINUTE: int(20, 1),
    // exercises a learner may save with POST /api/exercises/generate per rolling hour (counted in the database)
    GENERATE_PER_HOUR: int(30, 1),
    // the learners' calendar: streaks, "today" of a perfect day and comebacks count days in this zone
    APP_TIMEZONE: z
      .string()
      .default('Europe/Paris')
      .refine((zone) => isTimeZone(zone), 'must be an IANA time zone, like Europe/Paris'),
    BODY_LIMIT_BYTES: int(100 * 1024, 1024),
    MAX_HEADER_SIZE_BYTES: int(16 * 1024, 1024),
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    REQUEST_TIMEOUT_MS: int(30_000, 1000),
    SHUTDOWN_GRACE_MS: int(20_000, 0),
    // after SIGTERM: health answers 503 and connections are closed after each answer, for this long, before the listener closes
    SHUTDOWN_DRAIN_MS: int(5_000, 0),
    // view counts are kept in memory and written in one transaction this often (and at shutdown)
    VIEW_COUNT_FLUSH_MS: int(5_000, 100),
    HEALTH_TIMEOUT_MS: int(2_000, 100),
    SQLITE_BUSY_TIMEOUT_MS: int(5_000, 0),
    PG_POOL_MAX: int(30, 1),
    // connections kept open even when idle (the guide's pool_size); never more than PG_POOL_MAX
    PG_POOL_MIN: int(10, 0),
    PG_IDLE_TIMEOUT_MS: int(30_000, 0),
    PG_CONNECTION_TIMEOUT_MS: int(5_000, 100),
    PG_MAX_LIFETIME_SECONDS: int(300, 0),
    PG_STATEMENT_TIMEOUT_MS: int(15_000, 0),
    PG_APPLICATION_NAME: z.string().min(1).default('mathakine-api'),
    // false behind a transaction-mode PgBouncer older than 1.21 (see README, scaling out)
    PG_NAMED_STATEMENTS: flag(true),
    BACKUP_DIR: z.string().min(1).default('./backups'),
    // backups shipped off the machine: s3://bucket/prefix on any S3-compatible store (AWS, R2, B2, MinIO)
    BACKUP_URL: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must be s3://bucket or s3://bucket/prefix')
      .optional(),
    // HMAC key signing every backup (kept out of the bucket): `db restore` refuses an unsigned or
    // wrongly signed backup without --allow-unsigned; unset, backups are written unsigned
    BACKUP_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters (render.yaml generates one)').optional(),
    // the store's endpoint (R2, B2, MinIO…); unset means AWS itself. S3_ENDPOINT is the older spelling
    AWS_ENDPOINT_URL: z.url({ protocol: /^https?$/ }).optional(),
    S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
    AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    // bucket in the path (endpoint/bucket/key) rather than the host name; default: true when an endpoint is set
    S3_FORCE_PATH_STYLE: z.stringbool().optional(),
    // PostgreSQL: the plan's disk; `db health --full` warns above 80 % of it (0: no limit known)
    DB_DISK_LIMIT_BYTES: int(0, 0),
    // every SQL statement and its duration in the log; `force` is needed in production
    DB_LOG_QUERIES: z.enum(['false', 'true', 'force']).default('false'),
    // minutes between in-process dashboard snapshots; 0 (default) leaves them to `db maintenance`
    DASHBOARD_SNAPSHOT_MINUTES: z.coerce.number().int().min(0).max(10_080).default(0),
    // keys the erasure tombstones' fingerprints (src/domain/accounts/erase.ts); keep it across restores
    ERASURE_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    // `db maintenance` erases learner accounts never verified and unused for this many days (unset: never)
    INACTIVE_ACCOUNT_DAYS: z.coerce.number().int().min(1).optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    // outgoing mail (src/mail): smtp://user:pass@host:587 (STARTTLS) or smtps://…:465; unset: the log
    // and MAIL_OUTBOX_DIR outside production, no mail at all in production
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^/]+/, 'must be an smtp:// or smtps:// URL')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Mathakine <no-reply@mathakine.localhost>'),
    // connecting, the greeting and each answer of the SMTP server: past this the mail fails (retryable)
    SMTP_TIMEOUT_MS: int(10_000, 100),
    // where the links in mails point: FRONTEND_URL/reset-password?token=…, FRONTEND_URL/verify-email?token=…
    FRONTEND_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
    // the file outbox of mails not sent (no SMTP_URL): ./data/mail-outbox by default, none under NODE_ENV=test unless set
    MAIL_OUTBOX_DIR: z.string().min(1).optional(),
    PASSWORD_RESET_TTL_MINUTES: int(30, 5).pipe(z.number().max(24 * 60)),
    EMAIL_VERIFICATION_TTL_HOURS: int(48, 1).pipe(z.number().max(24 * 30)),
    // mails of one kind (reset, verification) one account receives per rolling hour; more are not sent
    MAIL_PER_ACCOUNT_PER_HOUR: int(3, 1),
    // forgot-password, reset-password, resend-verification and verify-email per client address per hour
    MAIL_RATE_LIMIT_PER_HOUR: int(10, 1),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_DIRECT_URL && env.DATABASE_URL.dialect !== 'postgres') {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_DIRECT_URL'], message: 'needs a PostgreSQL DATABASE_URL' });
    }
    if (env.DATABASE_REPLICA_URLS.length > 0 && env.DATABASE_URL.dialect !== 'postgres') {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_REPLICA_URLS'], message: 'needs a PostgreSQL DATABASE_URL (replicas are PostgreSQL standbys)' });
    }
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY)) {
      const missing = env.AWS_ACCESS_KEY_ID ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required with the other half of the S3 key pair' });
    }
    if (env.NODE_ENV === 'production' && env.SMTP_URL) {
      // a production mail from the placeholder sender, or with links to localhost, would never be usable
      if (!env.MAIL_FROM || /\.localhost>?$/.test(env.MAIL_FROM)) {
        ctx.addIssue({
          code: 'custom',
          path: ['MAIL_FROM'],
          message: 'is required with SMTP_URL when NODE_ENV=production (a sender your SMTP provider accepts)',
        });
      }
      if (/^https?:\/\/(localhost|127\.)/.test(env.FRONTEND_URL)) {
        ctx.addIssue({
          code: 'custom',
          path: ['FRONTEND_URL'],
          message: 'is required with SMTP_URL when NODE_ENV=production (the links in mails point there)',
        });
      }
    }
    if (env.NODE_ENV === 'production' && env.DB_LOG_QUERIES === 'true') {
      ctx.addIssue({
        code: 'custom',
        path: ['DB_LOG_QUERIES'],
        message: 'is refused when NODE_ENV=production (every statement in the log, slower): set DB_LOG_QUERIES=force to log anyway',
      });
    }
  });

// DATABASE_URL parsed is a target, not a URL: the settings hold it as `database`
const configSchema = envSchema.transform(({ DATABASE_URL, ...settings }) => ({ ...settings, database: DATABASE_URL }));

export type Config = z.infer<typeof configSchema>;

/** Every variable the code reads (the render.yaml test checks the blueprint names no other). */
export const CONFIG_KEYS = Object.keys(envSchema.shape);

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses settings from `env`; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty string in .env means "not set", as it would for a shell variable.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'} ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** process.env over ./.env (real environment variables win), then parseConfig. */
export function loadConfig(envFile = '.env'): Config {
  const fromFile: Record<string, string> = {};
  if (fs.existsSync(envFile)) dotenv.config({ path: envFile, processEnv: fromFile, quiet: true });
  return parseConfig({ ...fromFile, ...process.env });
}
