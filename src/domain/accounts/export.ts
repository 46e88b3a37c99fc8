// A learner's data (GDPR art. 15 and 20) as one JSON document, written as it is read: every table
// is read in pages by id (keyset), each page written before the next is read, so 100,000 attempts
// cost the memory of one page. Written once for GET /api/users/me/export and `mathakine user export`.
// A table joins the export with one line in EXPORT_SECTIONS.
import { and, asc, eq, gt, type Column } from 'drizzle-orm';
import type { Tables } from '../../db/client.js';
import type { Dialect } from '../../db/database.js';
import type { AnyTable } from '../../db/legacy-area.js';
import type { Reads } from '../../db/store.js';
import { notFound } from '../../errors.js';
import { learnerLegacyRows } from './legacy-rows.js';

export const EXPORT_FORMAT = 'mathakine-account-export';
export const EXPORT_VERSION = 1;
/** rows read per query: the memory an export holds at once */
export const EXPORT_PAGE_ROWS = 500;

/** Columns never exported: password and token hashes, secrets, internal counters. */
const WITHHELD_COLUMN = /hash|secret|^token|_token$|^last_write_lsn$/i;

type Row = Record<string, unknown>;

/** Rows of one table that belong to the learner, by its id column and the column naming them. */
interface OwnedRows {
  table: AnyTable;
  id: Column;
  owner: Column;
}

export interface ExportSection {
  /** the document's key */
  name: string;
  of(tables: Tables): OwnedRows;
  /** only these columns (content they wrote: what it is, not its answers, which a learner sees only after attempting it) */
  only?: readonly string[];
}

const CONTENT_SUMMARY = ['id', 'title', 'exercise_type', 'challenge_type', 'difficulty', 'is_private', 'is_archived', 'created_at', 'updated_at'] as const;

export const EXPORT_SECTIONS: ExportSection[] = [
  // sign-ins: one row per refresh token of each session (family_id), never the token's hash
  { name: 'sessions', of: (t) => ({ table: t.refreshTokens, id: t.refreshTokens.id, owner: t.refreshTokens.user_id }) },
  { name: 'attempts', of: (t) => ({ table: t.attempts, id: t.attempts.id, owner: t.attempts.user_id }) },
  { name: 'progress', of: (t) => ({ table: t.progress, id: t.progress.id, owner: t.progress.user_id }) },
  { name: 'challenge_attempts', of: (t) => ({ table: t.logicChallengeAttempts, id: t.logicChallengeAttempts.id, owner: t.logicChallengeAttempts.user_id }) },
  { name: 'exercises_created', of: (t) => ({ table: t.exercises, id: t.exercises.id, owner: t.exercises.creator_id }), only: CONTENT_SUMMARY },
  {
    name: 'challenges_created',
    of: (t) => ({ table: t.logicChallenges, id: t.logicChallenges.id, owner: t.logicChallenges.creator_id }),
    only: CONTENT_SUMMARY,
  },
  // the protected legacy table of the original with a user_id
  { name: 'legacy_statistics', of: (t) => ({ table: t.statistics, id: t.statistics.id, owner: t.statistics.user_id }) },
];

function withheld(row: Row, only?: readonly string[]): Row {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !WITHHELD_COLUMN.test(key) && (!only || only.includes(key))));
}

/** One page of rows after `after`, in key order. */
type PageReader = (after: number | null) => Promise<{ rows: Row[]; last: number | null }>;

async function* jsonArray(read: PageReader, only?: readonly string[]): AsyncGenerator<string> {
  yield '[';
  let after: number | null = null;
  let first = true;
  for (;;) {
    const { rows, last } = await read(after);
    if (rows.length > 0) {
      yield (first ? '' : ',') + rows.map((row) => JSON.stringify(withheld(row, only))).join(',');
      first = false;
    }
    if (rows.length < EXPORT_PAGE_ROWS || last === null) break;
    after = last;
  }
  yield ']';
}

function ownedPages(reads: Reads, owned: OwnedRows, userId: number): PageReader {
  return async (after) => {
    const rows = (await reads.db
      .select()
      .from(owned.table)
      .where(after === null ? eq(owned.owner, userId) : and(eq(owned.owner, userId), gt(owned.id, after)))
      .orderBy(asc(owned.id))
      .limit(EXPORT_PAGE_ROWS)) as Row[];
    return { rows, last: rows.length ? (rows.at(-1)![owned.id.name] as number) : null };
  };
}

/**
 * The export of `userId` as chunks of JSON text; 404 before the first chunk when there is no such
 * account. The document: `{ format, version, exported_at, user_id, profile, <section>: [...]…,
 * legacy: { <table>: [...] } }`. The reads are not one snapshot: a row written meanwhile may or may
 * not be in it.
 */
export async function exportAccount(reads: Reads, dialect: Dialect, userId: number): Promise<AsyncIterable<string>> {
  const { users } = reads.tables;
  const [profile] = await reads.db.select().from(users).where(eq(users.id, userId));
  if (!profile) throw notFound('User');
  const legacy = await learnerLegacyRows(reads, dialect, userId);

  async function* document(): AsyncGenerator<string> {
    const head = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exported_at: new Date(), user_id: userId, profile: withheld(profile) };
    yield JSON.stringify(head).slice(0, -1);
    for (const section of EXPORT_SECTIONS) {
      yield `,${JSON.stringify(section.name)}:`;
      yield* jsonArray(ownedPages(reads, section.of(reads.tables), userId), section.only);
    }
    yield ',"legacy":{';
    for (const [i, table] of legacy.entries()) {
      yield `${i ? ',' : ''}${JSON.stringify(table.name)}:`;
      yield* jsonArray(async (after) => {
        const where = after === null ? table.where : and(table.where, gt(table.table.sourceRow, after));
        const rows = (await reads.db.select().from(table.table.table).where(where).orderBy(asc(table.table.sourceRow)).limit(EXPORT_PAGE_ROWS)) as Row[];
        return { rows, last: rows.length ? (rows.at(-1)!.source_row as number) : null };
      });
    }
    yield '}}';
  }
  return document();
}
