// `mathakine db import SOURCE --to TARGET` (alias `db import-sqlite`): the work is src/ops/import/;
// this file parses the options, draws progress (bars on a terminal, plain lines otherwise) and sets
// the exit code.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { formatImportReport } from '../ops/import/format.js';
import { importDatabase } from '../ops/import/run.js';
import type { Progress } from '../ops/progress.js';
import { output } from './context.js';

interface ImportCommandOptions {
  to: string;
  scratch?: string;
  trustDump?: boolean;
  truncate?: boolean;
  skipBadRows?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

const EXIT_INTERRUPTED = 130;
const LOG_EVERY_MS = 5_000;

const rowCount = (n: number) => n.toLocaleString('en-US');

type ImportProgress = Progress & { stop(): void };

/** On a terminal, one bar per table (rows, rows/s, ETA) and a line per other step. */
function terminalBars(stream: NodeJS.WriteStream): ImportProgress {
  const bars = new cliProgress.MultiBar(
    {
      format: '{table} [{bar}] {percentage}% | {rows}/{totalRows} rows | {rate} rows/s | ETA {eta_formatted}',
      stream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let table: { bar: cliProgress.SingleBar; startedAt: number } | null = null;
  const show = (rows: number) => {
    const seconds = (performance.now() - table!.startedAt) / 1000;
    // rows converted ahead of a table's turn arrive at once: no rate until there is one to show
    const rate = seconds < 0.2 ? '-' : rowCount(Math.round(rows / seconds));
    table!.bar.update(Math.min(rows, table!.bar.getTotal()), { rows: rowCount(rows), rate });
  };
  return {
    start(label, total) {
      if (total === undefined) {
        bars.log(`${label}…\n`);
        return;
      }
      // an empty table still gets a (full) bar: a total of 0 would divide by zero
      const payload = { table: label.padEnd(24), rows: '0', totalRows: rowCount(total), rate: '-' };
      table = { bar: bars.create(Math.max(total, 1), 0, payload), startedAt: performance.now() };
    },
    update(done) {
      if (table) show(done);
    },
    finish(summary, ok = true) {
      if (table && ok) table.bar.update(table.bar.getTotal());
      if (!table || !ok) bars.log(`${ok ? '✓' : '✗'} ${summary}\n`);
      table = null;
    },
    stop: () => bars.stop(),
  };
}

/** Off a terminal, plain lines for logs: each table as it starts and ends, long ones every few seconds. */
function logLines(stream: NodeJS.WriteStream): ImportProgress {
  let step: { label: string; startedAt: number; loggedAt: number } | null = null;
  return {
    start(label, total) {
      const now = performance.now();
      step = { label, startedAt: now, loggedAt: now };
      if (total !== undefined) stream.write(`${label}: ${rowCount(total)} rows to read\n`);
    },
    update(done, total) {
      const now = performance.now();
      if (!step || now - step.loggedAt < LOG_EVERY_MS) return;
      step.loggedAt = now;
      const rate = Math.round(done / ((now - step.startedAt) / 1000));
      stream.write(`${step.label}: ${rowCount(done)}${total ? `/${rowCount(total)}` : ''} rows (${rowCount(rate)} rows/s)\n`);
    },
    finish(summary, ok = true) {
      step = null;
      stream.write(`${ok ? '✓' : '✗'} ${summary}\n`);
    },
    stop: () => {},
  };
}

export function registerImportCommand(db: Command): void {
  db.command('import')
    .alias('import-sqlite')
    .description('copy a database of the original Python app (any version) or of this service into ours, nothing dropped, verified')
    .argument('<source>', 'a SQLite file, a PostgreSQL URL, or a dump of the original (.sql, .sql.gz, pg_dump -Fc)')
    .requiredOption('--to <target>', 'target PostgreSQL URL (created when missing; hosted: add ?sslmode=require) or SQLite path')
    .option('--scratch <url>', 'PostgreSQL server where a dump is loaded first (default: the target, when it is PostgreSQL)')
    .option('--trust-dump', 'load a dump even when the scratch role is a superuser (its SQL could reach beyond the database): only for a dump you know')
    .option('--truncate', 'replace the rows of a target that is not empty (refused otherwise)')
    .option('--skip-bad-rows', 'import the other rows when some cannot be converted (they are still reported)')
    .option('--dry-run', 'read and convert everything and report, writing nothing')
    .option('--json', 'print the report as JSON (for scripts)')
    .addHelpText(
      'after',
      `
Every table is copied in one transaction (COPY into PostgreSQL, prepared inserts into SQLite), then
verified (row counts and a checksum of every value, computed on both sides) before it commits.
Tables and columns our schema lacks are kept verbatim in the legacy area (schema legacy on
PostgreSQL, legacy_* tables on SQLite), verified the same way. A failed or interrupted run leaves
the target's tables exactly as before (a database this run created stays empty). Rows that cannot
be converted are listed with table, id, column and reason.

Exit codes: 0 imported and verified (or dry run clean), 1 failed, 130 interrupted.

Examples:
  mathakine db import ./data/mathakine.db --to 'postgresql://user:pass@host.frankfurt-postgres.render.com/mathakine?sslmode=require'
  mathakine db import 'postgresql://user:pass@old-host/mathakine?sslmode=require' --to ./data/mathakine.db
  mathakine db import backup_mathakine.sql --to postgres://localhost/mathakine`,
    )
    .action(async (sourceSpec: string, options: ImportCommandOptions) => {
      const progress = process.stderr.isTTY ? terminalBars(process.stderr) : logLines(process.stderr);
      // Ctrl-C cancels the transaction; a second one kills the process (the server rolls back then too)
      const interrupt = new AbortController();
      process.once('SIGINT', () => interrupt.abort());
      process.once('SIGTERM', () => interrupt.abort());
      const report = await importDatabase({
        source: sourceSpec,
        target: options.to,
        scratchServer: options.scratch,
        trustDump: options.trustDump,
        truncate: options.truncate,
        skipBadRows: options.skipBadRows,
        dryRun: options.dryRun,
        signal: interrupt.signal,
        progress,
      }).finally(() => progress.stop());
      output(options, report, formatImportReport);
      process.exitCode = report.ok ? 0 : report.interrupted ? EXIT_INTERRUPTED : 1;
    });
}
