// /admin/dashboard/*: the JSON behind every page of the /admin dashboard (admin auth: an
// archiviste token or the ADMIN_TOKEN), and the actions of its buttons. Each route calls the
// src/ops/dashboard function the CLI's `mathakine db dashboard <page>` calls too.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { badRequest, errorBodySchema, notFound } from '../../errors.js';
import { backupDatabase } from '../../ops/backup-restore/backup.js';
import { backendActionSchema, connectionsPage, signalBackend } from '../../ops/dashboard/live.js';
import { learningPage } from '../../ops/dashboard/learning.js';
import { overviewPage } from '../../ops/dashboard/overview.js';
import { enableStatements, queriesPage } from '../../ops/dashboard/queries.js';
import { captureSnapshot, startSnapshotInterval } from '../../ops/dashboard/snapshots.js';
import { spacePage } from '../../ops/dashboard/space.js';
import { upkeepPage } from '../../ops/dashboard/upkeep.js';
import {
  backupSchema,
  connectionActionSchema,
  dashboardConnectionsSchema,
  dashboardLearningSchema,
  dashboardMaintenanceSchema,
  dashboardOverviewSchema,
  dashboardQueriesSchema,
  dashboardSpaceSchema,
  enableStatementsSchema,
  snapshotSchema,
} from './schemas.js';

const daysQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });
const pidParams = z.object({ pid: z.coerce.number().int().positive().max(2_147_483_647), action: backendActionSchema });
const confirmBody = z.object({ confirm: z.literal(true).describe('must be true: the page asks before sending') }).meta({ example: { confirm: true } });
const tags = ['admin'];

// The buttons that write (a backup file, a snapshot row) have a budget of their own, shared by every
// caller (a stolen token from many addresses fills the disk no faster), and dashboard backups keep
// only their newest few: the daily `db maintenance` backup is the one that is kept for long.
const DASHBOARD_BACKUPS_PER_HOUR = 6;
const DASHBOARD_SNAPSHOTS_PER_HOUR = 30;
export const DASHBOARD_BACKUPS_KEPT = 5;
const actionLimit = (name: string, perHour: number) => ({ rateLimit: { max: perHour, timeWindow: '1 hour', keyGenerator: () => `dashboard-${name}` } });

const dashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  const database = app.database;
  const noStore = { onSend: async (_request: unknown, reply: { header(k: string, v: string): unknown }) => void reply.header('cache-control', 'no-store') };

  app.get(
    '/admin/dashboard/overview',
    { ...noStore, schema: { tags, summary: 'Dashboard: every check, green / amber / red, with what to do', response: { 200: dashboardOverviewSchema } } },
    async () => overviewPage(database, { backupDir: app.config.BACKUP_DIR, timeoutMs: app.config.HEALTH_TIMEOUT_MS }),
  );
  app.get(
    '/admin/dashboard/queries',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'Dashboard: pg_stat_statements by total and mean time, history from snapshots',
        querystring: daysQuery,
        response: { 200: dashboardQueriesSchema },
      },
    },
    async (request) => queriesPage(database, request.query.days),
  );
  app.post(
    '/admin/dashboard/queries/enable',
    { schema: { tags, summary: 'CREATE EXTENSION pg_stat_statements in this database (server must preload it)', response: { 200: enableStatementsSchema } } },
    async (request) => {
      const result = await enableStatements(database);
      request.log.warn({ audit: 'enable pg_stat_statements', actor: request.actor?.username ?? 'ADMIN_TOKEN', result }, 'admin action');
      return result;
    },
  );
  app.get(
    '/admin/dashboard/space',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'Dashboard: tables and indexes by size, growth from snapshots',
        querystring: daysQuery,
        response: { 200: dashboardSpaceSchema },
      },
    },
    async (request) => spacePage(database, request.query.days),
  );
  app.get(
    '/admin/dashboard/connections',
    { ...noStore, schema: { tags, summary: 'Dashboard: connections, live queries and who blocks whom', response: { 200: dashboardConnectionsSchema } } },
    async () => connectionsPage(database),
  );
  app.post(
    '/admin/dashboard/connections/:pid/:action',
    {
      schema: {
        tags,
        summary: 'Cancel the query of, or terminate, one backend of this database (PostgreSQL; audited)',
        params: pidParams,
        body: confirmBody,
        response: { 200: connectionActionSchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      if (database.dialect !== 'postgres') throw badRequest('Cancel and terminate apply to PostgreSQL backends only');
      const { pid, action } = request.params;
      const result = await signalBackend(database, pid, action);
      if (!result) throw notFound(`Backend ${pid} of this database`);
      request.log.warn(
        { audit: `${action} backend`, actor: request.actor?.username ?? 'ADMIN_TOKEN', pid, query: result.query, signalled: result.signalled },
        'admin action',
      );
      return result;
    },
  );
  app.get(
    '/admin/dashboard/maintenance',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'Dashboard: vacuum / analyze, dead rows, integrity, last backup and maintenance',
        response: { 200: dashboardMaintenanceSchema },
      },
    },
    async () => upkeepPage(database, app.config.BACKUP_DIR),
  );
  app.post(
    '/admin/dashboard/backup',
    {
      config: actionLimit('backup', DASHBOARD_BACKUPS_PER_HOUR),
      schema: { tags, summary: 'Back up the database into BACKUP_DIR (verified), like `mathakine db backup`', response: { 200: backupSchema } },
    },
    async (request) => {
      const result = await backupDatabase(database, {
        dir: app.config.BACKUP_DIR,
        label: `${database.dialect}-dashboard`,
        keep: DASHBOARD_BACKUPS_KEPT,
        signingKey: app.config.BACKUP_SIGNING_KEY,
      });
      request.log.warn({ audit: 'backup', actor: request.actor?.username ?? 'ADMIN_TOKEN', file: result.file }, 'admin action');
      return result;
    },
  );
  app.post(
    '/admin/dashboard/snapshot',
    {
      config: actionLimit('snapshot', DASHBOARD_SNAPSHOTS_PER_HOUR),
      schema: { tags, summary: 'Capture a history snapshot now (sizes, query statistics, activity)', response: { 200: snapshotSchema } },
    },
    async () => {
      const snapshot = await captureSnapshot(database, 'manual');
      return { id: snapshot.id, created_at: snapshot.created_at, source: snapshot.source };
    },
  );
  app.get(
    '/admin/dashboard/learning',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'Dashboard: attempts per day, active learners, success by type and difficulty',
        querystring: daysQuery,
        response: { 200: dashboardLearningSchema },
      },
    },
    async (request) => learningPage(database, request.query.days),
  );

  if (app.config.DASHBOARD_SNAPSHOT_MINUTES > 0) {
    const stop = startSnapshotInterval(database, app.config.DASHBOARD_SNAPSHOT_MINUTES, (error) => app.log.warn({ err: error }, 'dashboard snapshot failed'));
    app.addHook('onClose', async () => stop());
  }
};

export default dashboardRoutes;
