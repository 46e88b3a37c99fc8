// `mathakine user export ID` and `mathakine user erase ID`: an archiviste answering a learner's
// request by post or mail, with the API's own export and erasure (src/domain/accounts/export.ts, erase.ts).
import type { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../../db/client.js';
import { storeOf } from '../../db/store.js';
import { notFound } from '../../errors.js';
import { eraseAccount, type ErasedAccount } from '../../domain/accounts/erase.js';
import { exportAccount } from '../../domain/accounts/export.js';

/**
 * Writes the account's export to the stream `open` returns, as it is read (bounded memory); a 404
 * before `open` is called when there is no such account (no empty file left behind).
 */
export async function writeAccountExport(database: Database, userId: number, open: () => Writable): Promise<void> {
  const store = storeOf(database);
  const chunks = await exportAccount(store, store.dialect, userId);
  await pipeline(Readable.from(chunks), open());
}

/** Erases the account in one transaction, tombstone included. */
export async function eraseAccountById(database: Database, userId: number, erasureKey: string | undefined): Promise<ErasedAccount> {
  const store = storeOf(database);
  const erased = await store.transaction((tx) => eraseAccount(tx, store.dialect, userId, { key: erasureKey }));
  if (!erased) throw notFound('User');
  return erased;
}
