// `mathakine db dashboard <page>`: the JSON of one /admin dashboard page (the same src/ops/dashboard
// functions as /admin/dashboard/*), and `db dashboard snapshot` to capture a history point by hand.
import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import type { Database } from '../db/client.js';
import type { Config } from '../config.js';
import { connectionsPage } from '../ops/dashboard/live.js';
import { learningPage } from '../ops/dashboard/learning.js';
import { overviewPage, type OverviewPage } from '../ops/dashboard/overview.js';
import { queriesPage } from '../ops/dashboard/queries.js';
import { captureSnapshot } from '../ops/dashboard/snapshots.js';
import { spacePage } from '../ops/dashboard/space.js';
import { upkeepPage } from '../ops/dashboard/upkeep.js';
import { databaseCommand, output, type CommonOptions } from './context.js';

const daysInRange = (value: string) => {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new InvalidArgumentError('a whole number of days from 1 to 365');
  return days;
};

const PAGES: Record<string, (database: Database, config: Config, days: number) => Promise<unknown>> = {
  overview: (database, config) => overviewPage(database, { backupDir: config.BACKUP_DIR, timeoutMs: config.HEALTH_TIMEOUT_MS }),
  queries: (database, _config, days) => queriesPage(database, days),
  space: (database, _config, days) => spacePage(database, days),
  connections: (database) => connectionsPage(database),
  maintenance: (database, config) => upkeepPage(database, config.BACKUP_DIR),
  learning: (database, _config, days) => learningPage(database, days),
  snapshot: (database) => captureSnapshot(database, 'manual'),
};

const formatOverview = (page: OverviewPage) =>
  page.checks.map((c) => `${c.status.padEnd(5)} ${c.label}: ${c.reason}${c.action ? ` → ${c.action}` : ''}`).join('\n');

export function registerDashboardCommand(db: Command): void {
  databaseCommand<CommonOptions & { days: number }>(
    db
      .command('dashboard')
      .description(
        'one page of the /admin dashboard: overview (default; the checks, one per line), queries, space, connections, maintenance, learning (JSON); snapshot captures a history point',
      )
      .addArgument(new Argument('[page]', 'the page').choices(Object.keys(PAGES)).default('overview'))
      .addOption(new Option('--days <n>', 'the period of queries, space and learning (1–365)').argParser(daysInRange).default(30)),
    async (database, config, options, [page = 'overview']) => {
      const result = await PAGES[page](database, config, options.days);
      if (page === 'overview') {
        output(options, result as OverviewPage, formatOverview);
        return (result as OverviewPage).status !== 'red';
      }
      output({ ...options, json: true }, result, () => '');
    },
  );
}
