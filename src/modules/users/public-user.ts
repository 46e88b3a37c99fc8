// A user row as the API shows it: no password hash, no internal counters. Its own file so that
// auth and users both use it without importing each other.
import type { Tables } from '../../db/client.js';
import type { PublicUser } from './schemas.js';

export type UserRow = Tables['users']['$inferSelect'];

export function toPublicUser(row: UserRow): PublicUser {
  const { hashed_password: _never, token_version: _internal, ...rest } = row;
  return rest;
}
