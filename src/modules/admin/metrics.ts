// GET /metrics: the Prometheus text format. The HTTP figures come from plugins/metrics.ts; this adds,
// at each scrape, what the database and the jobs say, from the same measurements and judged checks
// as the health report and the dashboard (src/ops). For an archiviste's token or `Bearer $METRICS_TOKEN`.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Gauge } from 'prom-client';
import type { FastifyPluginAsync } from 'fastify';
import { viewCountsOf } from '../../db/view-counts.js';
import { forbidden, unauthorized } from '../../errors.js';
import { runChecks, type CheckStatus, type JudgedCheck } from '../../ops/health/checks.js';
import { lastSuccessfulImport, lastSuccessfulMaintenance, newestBackup } from '../../ops/measure/upkeep.js';
import { pool } from '../../ops/measure/server.js';

/** The judged checks are asked at most this often: a scrape every 15 s must stay cheap for the database too. */
export const CHECKS_MAX_AGE_MS = 60_000;
const STATUS_VALUE: Record<Exclude<CheckStatus, 'n/a'>, number> = { pass: 0, warn: 1, fail: 2 };
const digest = (value: string) => createHash('sha256').update(value).digest();

const metricsRoutes: FastifyPluginAsync = async (app) => {
  const { database, config } = app;
  const registry = app.metrics;
  const tokenDigest = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : null;

  let judged: { at: number; checks: Promise<JudgedCheck[]> } | null = null;
  const judgedChecks = () => {
    if (!judged || Date.now() - judged.at > CHECKS_MAX_AGE_MS) {
      const checks = runChecks(database, {
        timeoutMs: config.HEALTH_TIMEOUT_MS,
        diskLimitBytes: config.DB_DISK_LIMIT_BYTES,
        backupDir: config.BACKUP_DIR,
        only: (c) => !c.scansTables,
      });
      judged = { at: Date.now(), checks };
      checks.catch(() => (judged = null)); // runChecks answers failures as checks; this is belt and braces
    }
    return judged.checks;
  };

  new Gauge({
    name: 'mathakine_db_pool_connections',
    help: "This instance's database pool: connections open (total), idle, and requests waiting for one",
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const p = pool(database);
      this.set({ state: 'total' }, p.total);
      this.set({ state: 'idle' }, p.idle);
      this.set({ state: 'waiting' }, p.waiting);
    },
  });
  new Gauge({
    name: 'mathakine_db_pool_max',
    help: "The pool's ceiling (PG_POOL_MAX; 1 writer on SQLite)",
    registers: [registry],
    collect() {
      this.set(pool(database).max);
    },
  });
  if (database.dialect === 'postgres' && database.replicas) {
    const replicas = database.replicas;
    // as the router saw them at its last check (REPLICA_CHECK_INTERVAL_MS): a scrape asks no replica
    new Gauge({
      name: 'mathakine_replica_lag_seconds',
      help: 'Seconds a read replica is behind the primary (DATABASE_REPLICA_URLS)',
      labelNames: ['replica'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of replicas.statuses()) if (r.lag_seconds !== null) this.set({ replica: r.name }, r.lag_seconds);
      },
    });
    new Gauge({
      name: 'mathakine_replica_serving_reads',
      help: '1 when a replica receives reads, 0 when it is skipped (down or lagging past REPLICA_MAX_LAG_SECONDS)',
      labelNames: ['replica'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of replicas.statuses()) this.set({ replica: r.name }, r.state === 'streaming' ? 1 : 0);
      },
    });
  }
  new Gauge({
    name: 'mathakine_view_count_backlog',
    help: 'Views counted in memory and not yet written (flushed every VIEW_COUNT_FLUSH_MS)',
    registers: [registry],
    collect() {
      this.set(viewCountsOf(database).backlog());
    },
  });
  new Gauge({
    name: 'mathakine_last_success_timestamp_seconds',
    help: 'When a job last succeeded (Unix time): backup (the newest file in BACKUP_DIR), maintenance (the start of the last ok `db maintenance` run), import (the commit of the last `db import` into this database)',
    labelNames: ['job'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const backup = newestBackup(config.BACKUP_DIR);
      if (backup) this.set({ job: 'backup' }, backup.at.getTime() / 1000);
      const maintenance = await lastSuccessfulMaintenance(database).catch(() => null);
      if (maintenance) this.set({ job: 'maintenance' }, maintenance.getTime() / 1000);
      const imported = await lastSuccessfulImport(database).catch(() => null);
      if (imported) this.set({ job: 'import' }, imported.getTime() / 1000);
    },
  });
  new Gauge({
    name: 'mathakine_check_status',
    help: 'Each judged check of the health report and the dashboard: 0 pass, 1 warn, 2 fail (absent: does not apply here)',
    labelNames: ['check'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const check of await judgedChecks()) if (check.status !== 'n/a') this.set({ check: check.id }, STATUS_VALUE[check.status]);
    },
  });
  new Gauge({
    name: 'mathakine_check_value',
    help: "Each judged check's measured figure when it is a number (its unit is the check's: ms, count, seconds, bytes, ratio)",
    labelNames: ['check'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const check of await judgedChecks()) if (typeof check.value === 'number') this.set({ check: check.id }, check.value);
    },
  });

  app.get(
    '/metrics',
    // text, not JSON: outside the OpenAPI document (README "Metrics" documents it)
    { config: { auth: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const header = request.headers.authorization;
      const bearer = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
      const byToken = bearer !== undefined && tokenDigest !== null && timingSafeEqual(digest(bearer), tokenDigest);
      if (!byToken && !app.isAdmin(request)) {
        throw request.actor ? forbidden('Metrics are for administrators') : unauthorized('Metrics need `Bearer $METRICS_TOKEN` or an archiviste token');
      }
      reply.type(registry.contentType).header('cache-control', 'no-store');
      return registry.metrics();
    },
  );
};

export default metricsRoutes;
