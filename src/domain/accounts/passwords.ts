// Password hashing: argon2id with the library's defaults (19 MiB, 2 passes), as OWASP recommends.
// Accounts imported from the original Python app carry bcrypt hashes ($2a$/$2b$/$2y$): they are
// verified with bcryptjs and flagged for rehashing, so the caller stores argon2id on success.
import { hash, verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

const BCRYPT_PREFIX = /^\$2[aby]\$\d\d\$/;

export const isLegacyHash = (hashed: string) => BCRYPT_PREFIX.test(hashed);

/** The cost of the original app's bcrypt hashes (its `bcrypt.gensalt()` default). */
export const LEGACY_BCRYPT_COST = 12;

// Checked in place of a hash that is missing (no such account) or to even out the cost of a
// failure: never match anything. Made once, on first use.
let argon2Decoy: Promise<string> | undefined;
let bcryptDecoy: Promise<string> | undefined;
const runArgon2Decoy = async (password: string) => {
  argon2Decoy ??= hash('decoy password never matches');
  await verify(await argon2Decoy, password).catch(() => false);
};
const runBcryptDecoy = async (password: string) => {
  bcryptDecoy ??= bcrypt.hash('decoy password never matches', LEGACY_BCRYPT_COST);
  await bcrypt.compare(password, await bcryptDecoy).catch(() => false);
};

/**
 * Checks `password` against `hashed` (null: there is no such account). A failure costs the same
 * whichever account was named, so timing does not tell which exist: with no bcrypt hash left in the
 * database (`legacyHashesRemain` false), one argon2id run; while imported bcrypt hashes remain
 * (cost 12: ~20× an argon2id run), one argon2id and one cost-12 bcrypt run, real or decoy.
 */
export async function verifyPassword(hashed: string | null, password: string, legacyHashesRemain = false): Promise<boolean> {
  const legacy = hashed !== null && isLegacyHash(hashed);
  if (hashed === null) await runArgon2Decoy(password);
  else if (legacy ? await bcrypt.compare(password, hashed).catch(() => false) : await verify(hashed, password).catch(() => false)) return true;
  if (legacy) await runArgon2Decoy(password);
  else if (legacyHashesRemain) await runBcryptDecoy(password);
  return false;
}
