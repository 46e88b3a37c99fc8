// The import report for people: one line per table (counts, checksum, verification), then what
// was left out or filled in, the bad rows, and the outcome with the state of the target.
import type { ImportReport, TargetState } from './report.js';

const count = (n: number | null) => (n === null ? '-' : n.toLocaleString('en-US'));

const TARGET_STATES: Record<TargetState, string> = {
  imported: 'imported and verified',
  unchanged: 'unchanged (its tables are exactly as before this run)',
  empty: 'empty (this run created the database: it has the schema and no rows)',
  untouched: 'untouched (nothing was written)',
};

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

export function formatImportReport(report: ImportReport, maxBadRows = 20): string {
  const lines: string[] = [];
  const kind = report.source.kind === 'legacy' ? 'original Python app database' : report.source.kind === 'mathakine' ? 'Mathakine database' : null;
  const format = report.source.format === 'dump' ? 'dump loaded into a scratch database' : report.source.format === 'postgres' ? 'read in one snapshot' : null;
  const revision = report.source.alembicRevision ? `alembic revision ${report.source.alembicRevision}` : null;
  const about = [kind, format, revision].filter(Boolean);
  lines.push(`Source: ${report.source.path}${about.length ? ` (${about.join('; ')})` : ''}`);
  const targetNotes = [
    report.target.created ? 'created by this run' : null,
    report.dryRun && report.target.exists === false ? 'does not exist yet: would be created' : null,
    report.target.migrationsApplied.length ? `migrations applied: ${report.target.migrationsApplied.join(', ')}` : null,
    report.target.migrationsPending.length ? `migrations pending: ${report.target.migrationsPending.join(', ')}` : null,
  ].filter(Boolean);
  lines.push(`Target: ${report.target.description}${targetNotes.length ? ` (${targetNotes.join('; ')})` : ''}`);

  if (report.tables.length > 0) {
    lines.push('');
    const header = ['table', 'source', 'skipped', 'imported', 'target', 'checksum', report.dryRun ? '' : 'verified'];
    const rows = report.tables.map((t) => [
      t.table,
      t.sourceTable === null ? '(absent)' : count(t.sourceRows),
      count(t.skipped),
      count(t.imported),
      count(t.targetRows),
      t.sourceChecksum.slice(0, 12),
      t.verified === null ? '' : t.verified ? 'ok' : `DIFFERS (target ${t.targetChecksum?.slice(0, 12)})`,
    ]);
    lines.push(...table([header, ...rows]));
  }

  const notes: string[] = [];
  for (const t of report.tables) {
    for (const d of t.droppedColumns) notes.push(`${t.table}.${d.column} not imported: ${d.reason}`);
    if (t.missingColumns.length)
      notes.push(
        `${t.table}: columns the source lacks (NULL where allowed, else read from the row or, newer than the source, their default): ${t.missingColumns.join(', ')}`,
      );
  }
  if (notes.length) lines.push('', 'Notes:', ...notes.map((n) => `  ${n}`));

  if (report.legacy.length > 0) {
    lines.push('', 'Kept verbatim in the legacy area (never read by the API):');
    for (const t of report.legacy) {
      const what = t.sourceTable.startsWith('legacy_')
        ? `${t.sourceTable} (the source's legacy area)`
        : t.holds === 'rejected rows'
          ? `${t.sourceTable}: the bad rows skipped from our table, whole`
          : t.holds === 'table'
            ? `table ${t.sourceTable} (not in our schema)`
            : `${t.sourceTable}: columns not in our table: ${t.columns.slice(1).join(', ')}`;
      const verified = t.verified === null ? '' : t.verified ? ', verified' : ', DIFFERS in the target';
      lines.push(`  ${what} → ${t.target}, ${count(t.rows)} rows${verified}`);
    }
  }

  if (report.dropped.length > 0) {
    lines.push('', 'Left out on purpose:');
    for (const t of report.dropped) lines.push(`  table ${t.sourceTable}, ${count(t.rows)} rows: ${t.reason}`);
  }
  if (report.rewards) {
    const r = report.rewards;
    lines.push('', "Points ledger and badges (achievements, user_achievements, point_events, the users' streaks and pinned badges are in our tables above):");
    lines.push(
      `  ${count(r.ledgerRowsImported)} ledger rows imported; ${count(r.openingRows)} learner(s) given an opening row (source "import") of ${count(r.openingPoints)} points in all, so total_points equals the ledger; ${count(r.pointDays)} learner-day(s) of points (point_days) rebuilt from it and checked`,
    );
    if (r.ledgerAboveTotal.length > 0) lines.push(`  ledger ABOVE total_points, left as the source has them: user id(s) ${r.ledgerAboveTotal.join(', ')}`);
    if (r.unknownRequirementBadges.length > 0)
      lines.push(`  badges whose requirements use no known rule (imported, never awarded): ${r.unknownRequirementBadges.join(', ')}`);
  }

  if (report.badRowCount > 0) {
    lines.push('', `Bad rows (${count(report.badRowCount)})${report.badRowCount > maxBadRows ? `, first ${maxBadRows}` : ''}:`);
    for (const bad of report.badRows.slice(0, maxBadRows)) lines.push(`  ${bad.table} id ${String(bad.id)}, ${bad.column}: ${bad.reason}`);
  }

  lines.push('');
  const total = report.tables.reduce((sum, t) => sum + t.imported, 0);
  if (report.ok) {
    const skipped = report.badRowCount ? `, ${count(report.badRowCount)} bad rows skipped` : '';
    lines.push(
      report.dryRun
        ? `Dry run OK: ${count(total)} rows would be imported${skipped}; nothing was written (${report.seconds.toFixed(1)} s).`
        : `OK: imported ${count(total)} rows into ${report.tables.length} tables in ${report.seconds.toFixed(1)} s${skipped}; counts and checksums verified.`,
    );
  } else {
    lines.push(`FAILED: ${report.error}`);
  }
  lines.push(`Target: ${TARGET_STATES[report.targetState]}.`);
  return lines.join('\n');
}
