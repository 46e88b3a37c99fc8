// Converting the next tables while the server works on the current one (see ConversionAhead).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { newStats, rowsOf, type RunContext } from './context.js';
import type { TableCopyStats } from './rows.js';

/** How much COPY text may wait in memory, converted ahead of its table's turn. */
const AHEAD_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * Converts the tables that come after the one being loaded, ahead of their turn and into memory
 * (within a budget), while the server is busy with the current table's indexes and read-back:
 * this thread works while it would otherwise wait. Tables are still converted strictly in order
 * (foreign key checks need their parents' ids); a table can be taken half-converted, and the rest
 * of it then streams.
 */
export class ConversionAhead {
  private readonly tables: { stats: TableCopyStats; converted: Buffer[]; rows: Iterator<Buffer>; finished: boolean }[] = [];
  private current = -1;
  private bufferedBytes = 0;

  constructor(readonly run: RunContext) {}

  private start(index: number) {
    const plan = this.run.plan[index];
    const stats = newStats(this.run, plan);
    const table = { stats, converted: [] as Buffer[], rows: rowsOf(this.run, plan, stats, () => index === this.current), finished: false };
    this.tables[index] = table;
    return table;
  }

  /** The table's rows for loading now: what was converted ahead, then the rest. */
  take(index: number): { stats: TableCopyStats; chunks: Iterable<Buffer> } {
    this.current = index;
    const table = this.tables[index] ?? this.start(index);
    const ahead = this;
    function* chunks(): Generator<Buffer> {
      for (let chunk = table.converted.shift(); chunk; chunk = table.converted.shift()) {
        ahead.bufferedBytes -= chunk.length;
        ahead.run.options.signal?.throwIfAborted();
        yield chunk;
      }
      if (!table.finished) yield* { [Symbol.iterator]: () => table.rows };
      table.finished = true;
    }
    return { stats: table.stats, chunks: chunks() };
  }

  /** Converts one more chunk ahead; false when there is nothing to do now. */
  private step(): boolean {
    if (this.bufferedBytes >= AHEAD_BUDGET_BYTES) return false;
    // the first table not yet fully converted; the current one belongs to the loader
    let index = this.current + 1;
    while (this.tables[index]?.finished) index++;
    if (index >= this.run.plan.length || (this.tables[this.current] && !this.tables[this.current].finished)) return false;
    const table = this.tables[index] ?? this.start(index);
    const next = table.rows.next();
    if (next.done) table.finished = true;
    else {
      table.converted.push(next.value);
      this.bufferedBytes += next.value.length;
    }
    return true;
  }

  /** Awaits `work` (on the server), converting ahead in the meantime. */
  async meanwhile<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    done.catch(() => {}); // the rejection is delivered by the await below
    while (!settled && this.step()) await nextTurn(); // lets the server's replies through between chunks
    return done;
  }
}
