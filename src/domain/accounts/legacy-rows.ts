// Which rows of the import's legacy area belong to one learner, for the export and the erasure: the
// legacy `users` table (the users' columns we lack, by `id`), whole tables of the original with a
// `user_id`-like column (user_sessions, point_events, notifications, admin_audit_log.admin_user_id…),
// and the unmapped columns of our own per-user tables (`attempts`… by the ids of that user's rows).
import { eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Dialect } from '../../db/database.js';
import { legacyTable, listLegacyTables, type LegacyTable } from '../../db/legacy-area.js';
import type { Reads } from '../../db/store.js';

export interface LearnerLegacyRows {
  /** the table's name in the legacy area */
  name: string;
  table: LegacyTable;
  /** the learner's rows of that table */
  where: SQL;
}

/** A column that names a user: the original's `user_id`, `admin_user_id`… */
const USER_LINK = /(^|_)user_id$/i;

/** Our tables with a user_id whose unmapped columns the import keeps, keyed by our row's id. */
const PER_USER_TABLES = ['attempts', 'progress', 'logic_challenge_attempts'] as const;

/** Every legacy table holding rows of `userId`, with the condition that picks them. */
export async function learnerLegacyRows(reads: Reads, dialect: Dialect, userId: number): Promise<LearnerLegacyRows[]> {
  const { attempts, progress, logicChallengeAttempts } = reads.tables;
  const ours = { attempts, progress, logic_challenge_attempts: logicChallengeAttempts };
  // legacy values are the source's text: an id is compared as the text the source printed
  const id = String(userId);
  const found: LearnerLegacyRows[] = [];
  for (const info of await listLegacyTables(reads, dialect)) {
    const table = legacyTable(dialect, info);
    const links = info.columns.filter((c) => USER_LINK.test(c));
    let where: SQL | undefined;
    if (info.name.toLowerCase() === 'users' && info.columns.includes('id')) where = eq(table.column('id'), id);
    else if (links.length > 0) where = or(...links.map((c) => eq(table.column(c), id)));
    else if ((PER_USER_TABLES as readonly string[]).includes(info.name) && info.columns.includes('id')) {
      const own = ours[info.name as (typeof PER_USER_TABLES)[number]];
      where = inArray(
        table.column('id'),
        reads.db
          .select({ id: sql<string>`cast(${own.id} as text)` })
          .from(own)
          .where(eq(own.user_id, userId)),
      );
    }
    if (where) found.push({ name: info.name, table, where });
  }
  return found;
}
