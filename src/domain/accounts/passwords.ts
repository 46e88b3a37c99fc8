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

// Verified when the user does not exist, so a wrong username costs as much as a wrong password.
let decoyHash: Promise<string> | undefined;

export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) {
    decoyHash ??= hash('decoy password never matches');
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  if (isLegacyHash(hashed)) return bcrypt.compare(password, hashed).catch(() => false);
  return verify(hashed, password).catch(() => false);
}
