// The badges that can never be earned: requirements using no rule of the vocabulary. One query for
// the staff's route (src/modules/badges) and the dashboard's learning page (src/ops/dashboard).
import { asc } from 'drizzle-orm';
import type { Reads } from '../../db/store.js';
import { requirementKind, requirementsOf } from './requirements.js';

export interface UnknownRequirementBadge {
  id: number;
  code: string;
  name: string;
  is_active: boolean;
  requirements: unknown;
}

/** Badges whose requirements match no known rule: never awarded, listed so staff can fix them. */
export async function unknownRequirementBadges(on: Reads): Promise<UnknownRequirementBadge[]> {
  const { achievements } = on.tables;
  const rows = await on.db.select().from(achievements).orderBy(asc(achievements.id));
  return rows
    .filter((row) => requirementKind(requirementsOf(row.requirements)) === null)
    .map(({ id, code, name, is_active, requirements }) => ({ id, code, name, is_active, requirements: requirements ?? null }));
}
