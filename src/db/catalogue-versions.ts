// What the catalogue ETags are made of (src/plugins/conditional.ts), always read from the database
// so that every instance gives the same validator: the version of each catalogue (content_versions,
// raised by triggers in the writing transaction: migration 0011) and the learner's own
// users.catalogue_version (raised by their attempts that change what they see).
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Tables } from './database.js';
import { preparedQuery } from './prepared.js';

export const CATALOGUES = ['exercises', 'challenges'] as const;
export type Catalogue = (typeof CATALOGUES)[number];

export interface CatalogueVersions {
  exercises: number;
  challenges: number;
  /** users.catalogue_version */
  learner: number;
}

/** A catalogue's version as a scalar subquery: 0 while it was never written. */
export function catalogueVersionOf({ contentVersions }: Tables, catalogue: Catalogue): SQL<number> {
  return sql<number>`coalesce((select ${contentVersions.version} from ${contentVersions} where ${contentVersions.name} = ${sql.raw(`'${catalogue}'`)}), 0)`.mapWith(
    Number,
  );
}

/** The columns to add to a select from `users` (the per-request account check reads them with the account). */
export function catalogueVersionColumns(tables: Tables) {
  return {
    exercises_version: catalogueVersionOf(tables, 'exercises'),
    challenges_version: catalogueVersionOf(tables, 'challenges'),
    catalogue_version: tables.users.catalogue_version,
  };
}

export function catalogueVersionsOf(row: { exercises_version: number; challenges_version: number; catalogue_version: number }): CatalogueVersions {
  return { exercises: row.exercises_version, challenges: row.challenges_version, learner: row.catalogue_version };
}

/** The versions for user `user_id`, read where the request reads (a replica, when it has one). */
export const catalogueVersionsQuery = preparedQuery('catalogue_versions', (db, tables) =>
  db
    .select(catalogueVersionColumns(tables))
    .from(tables.users)
    .where(eq(tables.users.id, sql.placeholder('user_id'))),
);

/** In the attempt's transaction: what the catalogue shows learner `user_id` changed. */
export const learnerCatalogueChangedQuery = preparedQuery('learner_catalogue_changed', (db, { users }) =>
  db
    .update(users)
    // updated_at set to itself: not an edit of the account (and a prepared UPDATE's $onUpdate would keep the time it was built at)
    .set({ catalogue_version: sql`${users.catalogue_version} + 1`, updated_at: sql`${users.updated_at}` })
    .where(eq(users.id, sql.placeholder('user_id'))),
);
