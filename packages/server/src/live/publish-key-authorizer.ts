import { createHash, timingSafeEqual } from 'node:crypto';

/** What the RTMP ingest asks before accepting a publisher. */
export type PublishAuthorizer = (streamKey: string, from: { addr: string }) => boolean | Promise<boolean>;

/** Stream keys are URL path segments chosen by Raqib: letters, digits, '-' and '_', 16 to 128 characters. */
export const STREAM_KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/**
 * An authorizer over a fixed set of keys (tests, `--demo`, a config file). Keys are compared as
 * SHA-256 digests with a constant-time comparison, so the time taken does not leak how much of a
 * guessed key was right. The Store-backed authorizer of `raqib serve` should do the same.
 */
export function keySetAuthorizer(keys: Iterable<string>): PublishAuthorizer {
  const digests = [...keys].map(digest);
  return (streamKey) => {
    if (!STREAM_KEY_PATTERN.test(streamKey)) return false;
    const candidate = digest(streamKey);
    let found = false;
    for (const known of digests) found = timingSafeEqual(known, candidate) || found;
    return found;
  };
}
