// An erasure survives a restore. The tombstones (erased_accounts: an id and a keyed fingerprint,
// no personal data; src/domain/accounts/erase.ts) are read from the database before `db restore`
// replaces it, and after it they are added to the restored one and every account they name that the
// backup still holds is erased again, by the same erasure. A restored database older than the
// tombstones' table is migrated first. An account with a tombstone's id but another fingerprint is a
// later person given the same id: left alone.
import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { applyMigrations } from '../../db/migrate.js';
import { storeOf } from '../../db/store.js';
import { accountFingerprint, eraseAccount } from '../../domain/accounts/erase.js';
import { listLiveTables } from '../measure/live-indexes.js';
import type { Progress } from '../progress.js';

const TOMBSTONES_TABLE = 'erased_accounts';

type Tombstone = { user_id: number; fingerprint: string; erased_at: Date };

async function readTombstones(database: Database): Promise<Tombstone[]> {
  if (!(await listLiveTables(database)).includes(TOMBSTONES_TABLE)) return [];
  const { erasedAccounts } = database.tables;
  return database.db
    .select({ user_id: erasedAccounts.user_id, fingerprint: erasedAccounts.fingerprint, erased_at: erasedAccounts.erased_at })
    .from(erasedAccounts);
}

/**
 * Call before the restore replaces the database; call what it returns after. Returns how many
 * accounts were erased again.
 */
export async function keepErasuresAcrossRestore(
  database: Database,
  options: { erasureKey?: string; progress?: Progress } = {},
): Promise<() => Promise<number>> {
  const carried = await readTombstones(database);
  return async () => {
    // the restored database's own tombstones name accounts erased before its backup: already gone
    if (carried.length === 0) return 0;
    const live = await listLiveTables(database);
    options.progress?.start('re-apply erasures');
    let erased = 0;
    try {
      if (!live.includes(TOMBSTONES_TABLE)) await applyMigrations(database);
      const store = storeOf(database);
      const { users, erasedAccounts } = store.tables;
      await store.transaction(async (tx) => {
        if (carried.length > 0) await tx.db.insert(erasedAccounts).values(carried).onConflictDoNothing();
        const tombstones = await tx.db.select({ user_id: erasedAccounts.user_id, fingerprint: erasedAccounts.fingerprint }).from(erasedAccounts);
        const named = new Set(tombstones.map((t) => `${t.user_id}:${t.fingerprint}`));
        const namedIds = tx.db.select({ id: erasedAccounts.user_id }).from(erasedAccounts);
        for (const user of await tx.db.select({ id: users.id, created_at: users.created_at }).from(users).where(inArray(users.id, namedIds))) {
          if (!named.has(`${user.id}:${accountFingerprint(options.erasureKey, user.id, user.created_at)}`)) continue;
          if (await eraseAccount(tx, store.dialect, user.id, { key: options.erasureKey, tombstone: false })) erased++;
        }
      });
    } catch (error) {
      // the replaced database, and its tombstones with it, are gone: print them (no personal data) so none is lost
      options.progress?.finish('re-apply erasures failed', false);
      const pairs = carried.map((t) => `${t.user_id}:${t.fingerprint}`).join(' ');
      throw new Error(
        `the backup is restored, but erasing again the accounts erased since it failed (${error instanceof Error ? error.message : String(error)}); ` +
          `these tombstones (user_id:fingerprint) are not in the restored database: add them to erased_accounts and erase the accounts whose fingerprint matches: ${pairs}`,
      );
    }
    options.progress?.finish(`${erased} erased account(s) the backup held erased again; ${carried.length} tombstone(s) kept`);
    return erased;
  };
}
