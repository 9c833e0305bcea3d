/**
 * Polls `probe` every `pollMs` until it returns (or resolves to) a value other than `undefined` or
 * `false`, and returns that value; a boolean condition thus waits for `true`. A probe that throws or
 * rejects ends the wait with its error (wrap it, e.g. `() => probe().catch(() => undefined)`, where a
 * failure only means "not yet"). After `timeoutMs` it throws
 * `timed out after <timeoutMs> ms waiting for <what>`.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  pollMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, pollMs));
  }
}
