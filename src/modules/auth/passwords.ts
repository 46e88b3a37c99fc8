// Password hashing: argon2id with the library's defaults (19 MiB, 2 passes), as OWASP recommends.
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified when the user does not exist, so a wrong username costs as much as a wrong password.
let decoyHash: Promise<string> | undefined;

export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) {
    decoyHash ??= hash('decoy password never matches');
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  return verify(hashed, password).catch(() => false);
}
