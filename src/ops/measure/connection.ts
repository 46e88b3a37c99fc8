// Whether the database answers, and how fast.
import type { Database } from '../../db/client.js';
import { elapsedMs } from '../progress.js';

/** Milliseconds a ping takes (throws when the database does not answer within timeoutMs). */
export async function pingMs(database: Database, timeoutMs: number): Promise<number> {
  const start = performance.now();
  await database.ping(timeoutMs);
  return Math.round(elapsedMs(start) * 10) / 10;
}
