// The indexes and tables a live database has (asked of its catalogue), and which recommended indexes are missing.
import type { Database } from '../../db/client.js';
import { catalogueOf } from '../../db/catalogue.js';
import { coveringIndex, RECOMMENDED_INDEXES, type LiveIndex, type RecommendedIndex } from './catalog.js';

export function listLiveIndexes(database: Database): Promise<LiveIndex[]> {
  return catalogueOf(database).indexes();
}

export function listLiveTables(database: Database): Promise<string[]> {
  return catalogueOf(database).tables();
}

/** Recommended indexes with no valid index leading with their columns (on tables that exist). */
export function missingIndexes(live: LiveIndex[], liveTables: string[]): RecommendedIndex[] {
  return RECOMMENDED_INDEXES.filter((r) => liveTables.includes(r.table) && !coveringIndex(r, live));
}
