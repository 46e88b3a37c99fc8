// The archive/edit rules shared by authored content, exercises and challenges: in service or
// retired, who may change it, who may delete it for good. Who may *see* retired content differs
// (exercises: staff; challenges: author and archiviste) and stays in each service.
import { eq, type AnyColumn, type SQL } from 'drizzle-orm';
import { forbidden } from '../../errors.js';
import type { Actor } from '../auth/actor.js';
import { canEditContent } from '../auth/access.js';

/** What these rules read of a row. */
export interface Retirable {
  is_archived: boolean;
  is_active: boolean;
}

/** Archived or inactive content is retired: out of the catalogue, it takes no attempts. */
export const inService = (row: Retirable): boolean => row.is_active && !row.is_archived;

/** The same rule as SQL conditions on the content's table. */
export const inServiceConditions = (table: { is_archived: AnyColumn; is_active: AnyColumn }): SQL[] => [
  eq(table.is_archived, false),
  eq(table.is_active, true),
];

/** Archiving keeps the row and its attempts; it only leaves service. */
export const archivedChange = { is_archived: true } as const;

/** 403 unless the actor is `authorId` (when their authorship counts) or an archiviste. */
export function assertMayEdit(actor: Actor, authorId: number | null, what: string): void {
  if (!canEditContent(actor, authorId)) throw forbidden(`Only the author or an archiviste may change this ${what}`);
}

/** Deleting for good (with the attempts) is for archivistes only. */
export function assertMayDeleteForGood(actor: Actor, what: string): void {
  if (actor.role !== 'archiviste') throw forbidden(`Only an archiviste may delete this ${what} for good`);
}
