// Ownership rules that depend on the data (the role-only rules are route options, see
// src/plugins/auth.ts). Someone else's private resource answers 404, as if it did not exist:
// a learner cannot even learn which ids are taken.
import { roleAtLeast } from '../../db/enums.js';
import { notFound } from '../../errors.js';
import type { Actor } from './actor.js';

/** Self, or a gardien and above. */
export function canSeeUser(actor: Actor, userId: number): boolean {
  return actor.id === userId || roleAtLeast(actor.role, 'gardien');
}

export function assertCanSeeUser(actor: Actor, userId: number, what = 'User'): void {
  if (!canSeeUser(actor, userId)) throw notFound(what);
}

/** The author of a piece of content, or an archiviste. */
export function canEditContent(actor: Actor, creatorId: number | null): boolean {
  return actor.role === 'archiviste' || (creatorId !== null && creatorId === actor.id);
}

/** Staff (maitre and above) and the author see answers and solutions before any attempt. */
export function seesAnswers(actor: Actor, creatorId: number | null): boolean {
  return roleAtLeast(actor.role, 'maitre') || (creatorId !== null && creatorId === actor.id);
}
