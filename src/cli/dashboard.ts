// `mathakine db dashboard <page>`: the JSON of one /admin dashboard page (the same src/ops/dashboard
// functions as /admin/dashboard/*), and `db dashboard snapshot` to capture a history point by hand.
import { Argument, type Command } from 'commander';
import type { Database } from '../db/client.js';
import type { Config } from '../config.js';
import { connectionsPage } from '../ops/dashboard/live.js';
import { learningPage } from '../ops/dashboard/learning.js';
import { overviewPage, type OverviewPage } from '../ops/dashboard/overview.js';
import { queriesPage } from '../ops/dashboard/queries.js';
import { captureSnapshot } from '../ops/dashboard/snapshots.js';
import { spacePage } from '../ops/dashboard/space.js';
import { upkeepPage } from '../ops/dashboard/upkeep.js';
import { databaseCommand, output } from './context.js';

const PAGES: Record<string, (database: Database, config: Config) => Promise<unknown>> = {
  overview: (database, config) => overviewPage(database, { backupDir: config.BACKUP_DIR }),
  queries: (database) => queriesPage(database),
  space: (database) => spacePage(database),
  connections: (database) => connectionsPage(database),
  maintenance: (database, config) => upkeepPage(database, config.BACKUP_DIR),
  learning: (database) => learningPage(database),
  snapshot: (database) => captureSnapshot(database, 'manual'),
};

const formatOverview = (page: OverviewPage) =>
  page.checks.map((c) => `${c.status.padEnd(5)} ${c.label}: ${c.reason}${c.action ? ` → ${c.action}` : ''}`).join('\n');

export function registerDashboardCommand(db: Command): void {
  databaseCommand(
    db
      .command('dashboard')
      .description('one page of the /admin dashboard: overview (default; the checks, one per line), queries, space, connections, maintenance, learning (JSON); snapshot captures a history point')
      .addArgument(new Argument('[page]', 'the page').choices(Object.keys(PAGES)).default('overview')),
    async (database, config, options, [page = 'overview']) => {
      const result = await PAGES[page](database, config);
      if (page === 'overview') {
        output(options, result as OverviewPage, formatOverview);
        return (result as OverviewPage).status !== 'red';
      }
      output({ ...options, json: true }, result, () => '');
    },
  );
}
