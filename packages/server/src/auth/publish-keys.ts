import type { Store } from '../storage/store.js';
import type { Actor } from '../storage/store-records.js';
import { randomSecret, secretHash } from './secret-token.js';

/** RTMP stream keys: URL path segments, letters, digits, '-' and '_' (as the ingest accepts them). */
const PUBLISH_KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Makes a new RTMP publish key for a stream (the old one stops working) and returns it: it is shown
 * once, only its SHA-256 is stored. The drone app publishes to `rtmp://HOST:1935/live/<key>`.
 */
export async function rotatePublishKey(store: Store, streamId: string, actor: Actor): Promise<string> {
  const key = randomSecret(32);
  await store.setStreamPublishKey(streamId, secretHash(key), actor);
  return key;
}

/**
 * The stream a publish key belongs to, or undefined (unknown, malformed or removed key). The lookup
 * is by the key's SHA-256, so the time taken says nothing about how close a guessed key was.
 */
export async function streamForPublishKey(store: Store, key: string): Promise<string | undefined> {
  if (!PUBLISH_KEY_PATTERN.test(key)) return undefined;
  return (await store.streamByPublishKey(secretHash(key)))?.id;
}

/** A publish authorizer for the RTMP ingest (`on_publish`) backed by the Store's stream keys. */
export function storePublishAuthorizer(store: Store): (streamKey: string) => Promise<boolean> {
  return async (streamKey) => (await streamForPublishKey(store, streamKey)) !== undefined;
}
