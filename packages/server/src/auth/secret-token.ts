import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random secret of `bytes` bytes. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 (hex) of a high-entropy secret; such secrets need no slow hash. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

const TOKEN_PATTERN = /^rqb_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** A new API token `rqb_<id>_<secret>`: the id is looked up, only the secret's hash is stored. */
export function newApiToken(): { id: string; token: string; secretHash: string } {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomSecret(32);
  return { id, token: `rqb_${id}_${secret}`, secretHash: secretHash(secret) };
}

/** Splits an API token into id and secret; undefined when it has not the shape of one. */
export function parseApiToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}
