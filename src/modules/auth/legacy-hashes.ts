// Whether an account still has a bcrypt hash imported from the original app: while one does,
// every failed sign-in also pays a bcrypt run (passwords.ts), so that such accounts cannot be told
// from unknown names by timing. Asked of the primary at most once a minute per database and
// process: an import, or the last of those accounts signing in, shows within that minute.
import { like } from 'drizzle-orm';
import type { Reads } from '../../db/store.js';

const RECHECK_MS = 60_000;
const known = new WeakMap<object, { checkedAt: number; remain: Promise<boolean> }>();

export function legacyHashesRemain(primary: Reads, now = Date.now()): Promise<boolean> {
  const cached = known.get(primary.db);
  if (cached && now - cached.checkedAt < RECHECK_MS) return cached.remain;
  const { users } = primary.tables;
  const remain = primary.db
    .select({ id: users.id })
    .from(users)
    .where(like(users.hashed_password, '$2%'))
    .limit(1)
    .then((rows) => rows.length > 0);
  known.set(primary.db, { checkedAt: now, remain });
  remain.catch(() => known.delete(primary.db)); // a failed check is asked again next time
  return remain;
}
