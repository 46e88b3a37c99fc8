// View counts off the request path: a read counts its view in memory, and a timer adds the counts
// to the rows in one transaction every VIEW_COUNT_FLUSH_MS (and when the app closes). Exact across
// instances (each adds its own counts with `view_count + n`); a crash loses at most one interval.
import { eq, sql } from 'drizzle-orm';
import type { AppDb, Database, Tables } from './database.js';
import { preparedVariants } from './prepared.js';
import { INT32_MAX } from './operators.js';

/** The tables that count views. */
export type ViewedTable = 'exercises' | 'logicChallenges';
const VIEWED_TABLES: ViewedTable[] = ['exercises', 'logicChallenges'];

type Logger = { warn(object: object, message: string): void };

export class ViewCounter {
  private pending: Record<ViewedTable, Map<number, number>> = { exercises: new Map(), logicChallenges: new Map() };
  private timer: NodeJS.Timeout | undefined;
  /** the batch being written: still shown by pendingFor() until it is committed */
  private writing: Record<ViewedTable, Map<number, number>> | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    intervalMs: number,
    private readonly logger?: Logger,
  ) {
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.flush(), intervalMs);
      this.timer.unref();
    }
  }

  count(table: ViewedTable, id: number): void {
    const counts = this.pending[table];
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }

  /** Views counted here and not yet written: a reader sees the count including their own view. */
  pendingFor(table: ViewedTable, id: number): number {
    return (this.pending[table].get(id) ?? 0) + (this.writing?.[table].get(id) ?? 0);
  }

  /** Views counted and not yet committed (the flush backlog, for /metrics). */
  backlog(): number {
    let views = 0;
    for (const batch of [this.pending, this.writing]) for (const table of VIEWED_TABLES) for (const n of batch?.[table].values() ?? []) views += n;
    return views;
  }

  /** Writes the counts so far; flushes never overlap. A failed flush keeps its counts for the next one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** Stops the timer and writes what is left (the app's close, before the database closes). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    if (VIEWED_TABLES.every((table) => batch[table].size === 0)) return;
    this.pending = { exercises: new Map(), logicChallenges: new Map() };
    this.writing = batch;
    try {
      await this.database.transaction(async (tx) => {
        for (const table of VIEWED_TABLES) await addViews(tx, this.database.tables, table, batch[table]);
      });
    } catch (error) {
      for (const table of VIEWED_TABLES) for (const [id, n] of batch[table]) this.pending[table].set(id, (this.pending[table].get(id) ?? 0) + n);
      this.logger?.warn({ err: error }, 'could not write view counts; keeping them for the next flush');
    } finally {
      this.writing = null;
    }
  }
}

/**
 * A row's views added, stopping at the integer maximum: one prepared statement per table (a flush
 * writes one row per exercise viewed in the interval: building each UPDATE again was 2 % of the
 * busy time of the read benchmark). `n` and `max_before` (INT32_MAX - n) are bound per row.
 */
const addViewsQuery = preparedVariants('view_count_add', (db, tables, name: ViewedTable) => {
  const table = tables[name];
  const column = table.view_count;
  const n = sql.placeholder('n');
  return (
    db
      .update(table)
      // updated_at set to itself: a view is not an edit (the column's $onUpdate would bump it)
      .set({
        view_count: sql`case when ${column} > ${sql.placeholder('max_before')} then ${INT32_MAX} else ${column} + ${n} end`,
        updated_at: sql`${table.updated_at}`,
      })
      .where(eq(table.id, sql.placeholder('id')))
  );
});

/** One UPDATE per row, ids in order, so two instances flushing at once lock rows in the same order. */
async function addViews(tx: AppDb, tables: Tables, name: ViewedTable, counts: Map<number, number>): Promise<void> {
  for (const id of [...counts.keys()].sort((a, b) => a - b)) {
    const n = counts.get(id)!;
    await addViewsQuery(tx, tables, name, { id, n, max_before: INT32_MAX - n });
  }
}

const counters = new WeakMap<Database, ViewCounter>();

/** The database's counter, made at first use with the given flush interval. */
export function viewCountsOf(database: Database, intervalMs = 5_000, logger?: Logger): ViewCounter {
  let counter = counters.get(database);
  if (!counter) counters.set(database, (counter = new ViewCounter(database, intervalMs, logger)));
  return counter;
}

/** Writes the last counts and forgets the counter (the app's close). */
export async function stopViewCounts(database: Database): Promise<void> {
  const counter = counters.get(database);
  counters.delete(database);
  await counter?.stop();
}
