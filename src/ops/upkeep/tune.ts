// `mathakine db tune`: the original guide's PostgreSQL settings compared with the server's, the
// ALTER SYSTEM statements that would apply them, and (--apply) applying them when the role may.
// Settings whose pg_settings.context is 'postmaster' only take effect after a server restart.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, PostgresDatabase } from '../../db/client.js';
import { withMaintenanceSession } from '../connection/pg-session.js';
import { errorMessage } from '../progress.js';

/** The guide's recommendations for Mathakine (memory values in PostgreSQL's own units). */
export const RECOMMENDED_SETTINGS: { name: string; value: string }[] = [
  { name: 'shared_buffers', value: '256MB' },
  { name: 'effective_cache_size', value: '1GB' },
  { name: 'maintenance_work_mem', value: '64MB' },
  { name: 'checkpoint_completion_target', value: '0.9' },
  { name: 'wal_buffers', value: '16MB' },
  { name: 'default_statistics_target', value: '100' },
  { name: 'log_min_duration_statement', value: '1000' },
  { name: 'log_statement', value: 'mod' },
];

const settingSchema = z.object({
  name: z.string(),
  current: z.string().describe('as SHOW prints it'),
  recommended: z.string(),
  matches: z.boolean(),
  context: z.string().describe("pg_settings.context: 'postmaster' needs a restart, 'sighup' a reload"),
  needs_restart: z.boolean(),
  pending_restart: z.boolean().describe('changed already, waiting for a restart'),
  statement: z.string(),
});

export const tuneReportSchema = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  applicable: z.boolean(),
  message: z.string(),
  settings: z.array(settingSchema),
  statements: z.array(z.string()).describe('ALTER SYSTEM statements for the settings that differ, then a reload'),
  can_apply: z.boolean(),
  applied: z.array(z.string()),
  restart_required: z.array(z.string()).describe('applied (or pending) settings that wait for a server restart'),
  ok: z.boolean(),
  error: z.string().optional(),
});
export type TuneReport = z.infer<typeof tuneReportSchema>;

export interface TuneOptions {
  apply?: boolean;
  /** limit the comparison (and --apply) to these settings */
  only?: string[];
}

const SETTINGS_SQL = (names: string[]) => sql`
  select name, setting, unit, vartype, context, pending_restart, current_setting(name) as shown
  from pg_settings where name = any(${sql.param(names)})`;

const ROLE_SQL = sql`
  select rolsuper as superuser, current_setting('server_version_num')::int as version_num
  from pg_roles where rolname = current_user`;
// PostgreSQL 15+ lets a superuser GRANT ALTER SYSTEM on a parameter; before that only superusers may.
const PARAMETER_PRIVILEGE_SQL = (names: string[]) => sql`
  select coalesce(bool_and(has_parameter_privilege(n, 'ALTER SYSTEM')), false) as allowed from unnest(${sql.param(names)}::text[]) as n`;

async function mayAlterSystem(database: PostgresDatabase, names: string[]): Promise<boolean> {
  const [role] = await database.query<{ superuser: boolean; version_num: number }>(ROLE_SQL);
  if (role?.superuser) return true;
  if (!role || role.version_num < 150000) return false;
  const [{ allowed }] = await database.query<{ allowed: boolean }>(PARAMETER_PRIVILEGE_SQL(names));
  return allowed;
}

const UNIT_BYTES: Record<string, number> = { B: 1, kB: 1024, '8kB': 8192, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** `'256MB'` → bytes; plain numbers are returned as they are. */
function toBaseValue(value: string): number {
  const match = /^\s*(-?[\d.]+)\s*(B|kB|MB|GB|TB)?\s*$/.exec(value);
  if (!match) return Number.NaN;
  return Number(match[1]) * (match[2] ? UNIT_BYTES[match[2]] : 1);
}

interface SettingRow {
  name: string;
  setting: string;
  unit: string | null;
  vartype: string;
  context: string;
  pending_restart: boolean;
  shown: string;
}

function matches(row: SettingRow, recommended: string): boolean {
  if (row.vartype === 'integer' || row.vartype === 'real') {
    const unitBytes = row.unit ? UNIT_BYTES[row.unit] : undefined;
    // memory settings are compared in bytes; times (ms, s) and plain numbers as numbers
    const current = unitBytes ? Number(row.setting) * unitBytes : Number(row.setting);
    const wanted = unitBytes ? toBaseValue(recommended) : Number(recommended);
    return Math.abs(current - wanted) < 1e-9;
  }
  return row.setting.toLowerCase() === recommended.toLowerCase();
}

const alterStatement = (name: string, value: string) => `ALTER SYSTEM SET ${name} = '${value}';`;

export async function tuneDatabase(database: Database, options: TuneOptions = {}): Promise<TuneReport> {
  if (database.dialect === 'sqlite') {
    return {
      dialect: 'sqlite',
      applicable: false,
      message:
        'These are PostgreSQL server settings and do not apply to SQLite: the API already sets what SQLite needs ' +
        '(WAL journal, synchronous=NORMAL, foreign_keys, busy_timeout).',
      settings: [],
      statements: [],
      can_apply: false,
      applied: [],
      restart_required: [],
      ok: true,
    };
  }
  return tunePostgres(database, options);
}

async function readSettings(database: PostgresDatabase, wanted: { name: string; value: string }[]) {
  const rows = await database.query<SettingRow>(SETTINGS_SQL(wanted.map((w) => w.name)));
  return wanted.flatMap((w) => {
    const row = rows.find((r) => r.name === w.name);
    if (!row) return [];
    return [
      {
        name: w.name,
        current: row.shown,
        recommended: w.value,
        matches: matches(row, w.value),
        context: row.context,
        needs_restart: row.context === 'postmaster',
        pending_restart: row.pending_restart,
        statement: alterStatement(w.name, w.value),
      },
    ];
  });
}

async function tunePostgres(database: PostgresDatabase, options: TuneOptions): Promise<TuneReport> {
  const unknown = (options.only ?? []).filter((name) => !RECOMMENDED_SETTINGS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`not one of the recommended settings: ${unknown.join(', ')}`);
  const wanted = RECOMMENDED_SETTINGS.filter((s) => !options.only?.length || options.only.includes(s.name));
  let settings = await readSettings(database, wanted);
  const differing = settings.filter((s) => !s.matches);
  const statements = differing.length ? [...differing.map((s) => s.statement), 'SELECT pg_reload_conf();'] : [];
  const allowed = await mayAlterSystem(
    database,
    wanted.map((w) => w.name),
  );

  const report: TuneReport = {
    dialect: 'postgres',
    applicable: true,
    message: differing.length
      ? `${differing.length} of ${settings.length} settings differ from the recommendations`
      : 'every setting matches the recommendations',
    settings,
    statements,
    can_apply: allowed,
    applied: [],
    restart_required: settings.filter((s) => s.pending_restart).map((s) => s.name),
    ok: true,
  };
  if (!options.apply || differing.length === 0) return report;
  if (!allowed) {
    report.ok = false;
    report.error = 'this role may not run ALTER SYSTEM: run the statements as a superuser (or GRANT ALTER SYSTEM ON PARAMETER … on PostgreSQL 15+)';
    return report;
  }

  // ALTER SYSTEM cannot run inside a transaction block: one statement at a time on its own session.
  await withMaintenanceSession(database, async (client) => {
    for (const setting of differing) {
      try {
        await client.query(setting.statement);
        report.applied.push(setting.name);
      } catch (error) {
        report.ok = false;
        report.error = `${setting.name}: ${errorMessage(error)}`;
        break;
      }
    }
    await client.query('select pg_reload_conf()');
  });
  // The reload is asynchronous: read the settings again once the server has taken it in.
  await new Promise((resolve) => setTimeout(resolve, 200));
  settings = await readSettings(database, wanted);
  report.settings = settings;
  report.restart_required = settings.filter((s) => s.pending_restart || (s.needs_restart && report.applied.includes(s.name))).map((s) => s.name);
  report.message = `applied ${report.applied.join(', ') || 'nothing'}${
    report.restart_required.length ? `; restart PostgreSQL for ${report.restart_required.join(', ')} to take effect` : ''
  }`;
  return report;
}

/** The report for people (the CLI without --json). */
export function formatTune(r: TuneReport): string {
  if (!r.applicable) return r.message;
  const lines = r.settings.map(
    (s) => `${s.matches ? 'ok  ' : 'DIFF'}  ${s.name.padEnd(30)} ${s.current.padStart(8)} (recommended ${s.recommended})${s.needs_restart ? ' [restart]' : ''}`,
  );
  if (r.statements.length) lines.push('', ...r.statements);
  lines.push('', r.message);
  if (r.error) lines.push(`error: ${r.error}`);
  if (!r.applied.length && r.statements.length && !r.can_apply) lines.push('(this role may not run ALTER SYSTEM)');
  return lines.join('\n');
}
