// The target's `import_runs` row for a run about to commit (src/db/schema/pg.ts importRuns): each
// target writes it in the import's own transaction (pg-target.ts, sqlite-target.ts), so only an
// import that committed leaves one; /metrics reads the last (src/ops/measure/upkeep.ts).
export interface ImportRunRecord {
  startedAt: Date;
  finishedAt: Date;
  /** the source's path, or its URL without the password */
  source: string;
  /** rows that went into our tables (the legacy area not counted) */
  rows: number;
}
