// What an import run reports (the CLI's --json output, and what format.ts prints for people).
import { LEGACY_AREA_PREFIX, LEGACY_AREA_SCHEMA } from '../../db/protected.js';
import type { SourceKind } from './plan.js';
import type { SourceFormat } from './source.js';
import type { SequenceReset } from './pg-target.js';
import type { BadRow } from './rows.js';
import type { DroppedTableReport } from './dropped.js';

export interface TableReport {
  table: string;
  /** the source table's name, or null when the source has no such table */
  sourceTable: string | null;
  sourceRows: number;
  skipped: number;
  imported: number;
  /** rows in the target after the load (not for --dry-run) */
  targetRows: number | null;
  sourceChecksum: string;
  targetChecksum: string | null;
  /** counts and checksums equal on both sides; null when not verified */
  verified: boolean | null;
  /** source columns our table does not have: copied verbatim to the legacy area (see `legacy`) */
  legacyColumns: string[];
  /** source columns neither imported nor kept, and why (the original's mailed links) */
  droppedColumns: { column: string; reason: string }[];
  /** our columns the source lacks: NULL where allowed, read from the row (null-readings.ts), else their default */
  missingColumns: string[];
  seconds: number;
}

/** A table of the legacy area: what of a source table our tables do not hold, kept verbatim as text. */
export interface LegacyTableReport {
  /** where it went: `legacy.NAME` (PostgreSQL) or `legacy_NAME` (SQLite) */
  target: string;
  sourceTable: string;
  /**
   * `table`: the whole source table (not in our schema); `columns`: its key and the columns our
   * table lacks; `rejected rows`: the whole rows --skip-bad-rows left out of our table
   */
  holds: 'table' | 'columns' | 'rejected rows';
  columns: string[];
  rows: number;
  targetRows: number | null;
  sourceChecksum: string;
  targetChecksum: string | null;
  verified: boolean | null;
}

/**
 * What became of the target: `imported` (committed and verified), `unchanged` (its tables exactly as
 * before the run), `empty` (this run created the database; it holds our schema and no rows),
 * `untouched` (nothing was written: --dry-run, or a failure before connecting).
 */
export type TargetState = 'imported' | 'unchanged' | 'empty' | 'untouched';

export interface ImportReport {
  ok: boolean;
  dryRun: boolean;
  source: {
    /** the file's absolute path, or the database URL without its password */
    path: string;
    format: SourceFormat | null;
    kind: SourceKind | null;
    /** the original app's Alembic revision (its alembic_version table), when there is one */
    alembicRevision: string | null;
  };
  target: {
    dialect: 'postgres' | 'sqlite' | null;
    description: string;
    /** for --dry-run: whether the database exists yet */
    exists: boolean | null;
    created: boolean;
    migrationsApplied: string[];
    /** --dry-run only: the migrations a real run would apply */
    migrationsPending: string[];
  };
  targetState: TargetState;
  tables: TableReport[];
  /** source tables and columns our schema does not have, kept verbatim */
  legacy: LegacyTableReport[];
  /** source tables left out on purpose (dropped.ts), with their row counts and why */
  dropped: DroppedTableReport[];
  badRowCount: number;
  /** the first maxReportedBadRows bad rows */
  badRows: BadRow[];
  sequences: SequenceReset[];
  interrupted: boolean;
  error: string | null;
  seconds: number;
  /** seconds per phase of the run (prepare, copy, indexes, verify, commit) */
  phases: Record<string, number>;
  /** the points ledger and badges after the copy (src/ops/import/rewards.ts); null until then */
  rewards: RewardsReport | null;
}

export interface RewardsReport {
  /** point_events rows copied from the source */
  ledgerRowsImported: number;
  /** learners given one opening row (source `import`): their ledger summed below total_points */
  openingRows: number;
  openingPoints: number;
  /** point_days rows rebuilt from the whole ledger (opening rows included), checked to sum to it per learner */
  pointDays: number;
  /** users whose ledger sums ABOVE total_points: left as the source has them, listed to be looked at */
  ledgerAboveTotal: number[];
  /** badge codes whose requirements use no rule this service knows: imported, never awarded */
  unknownRequirementBadges: string[];
}

/** Where a legacy table lands in a target of `dialect`. */
export function legacyTargetName(dialect: 'postgres' | 'sqlite', name: string): string {
  return dialect === 'postgres' ? `${LEGACY_AREA_SCHEMA}.${name}` : `${LEGACY_AREA_PREFIX}${name}`;
}

/** What --dry-run learns about the target without writing to it. */
export interface TargetInspection {
  exists: boolean;
  migrationsPending: string[];
  /** our tables and legacy-area tables that hold rows */
  nonEmpty: string[];
}
