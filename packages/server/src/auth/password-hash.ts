import { hash, verify } from '@node-rs/argon2';
import { RaqibError } from '@raqib/core';

/** OWASP's Argon2id minimum (m = 19 MiB, t = 2, p = 1), as RELIABILITY-SECURITY.md asks. */
const ARGON2ID = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum, not importable under verbatimModuleSyntax) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN_CHARS = 12;
export const PASSWORD_MAX_CHARS = 256;

/** Throws USAGE when a new password is too short or too long (length is what matters, ASVS 6.2). */
export function checkNewPassword(password: string, where: string): void {
  const chars = [...password].length;
  if (chars < PASSWORD_MIN_CHARS || chars > PASSWORD_MAX_CHARS) {
    throw new RaqibError(
      'USAGE',
      `${where}: a password needs ${PASSWORD_MIN_CHARS}-${PASSWORD_MAX_CHARS} characters, got ${chars}; a passphrase of several words is easiest`,
    );
  }
}

/** Argon2id PHC string of `password` (random salt). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

/** True when `password` matches the PHC string; false (never a throw) for a malformed hash. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}
