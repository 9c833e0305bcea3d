/** Edits of a rules document (plain JSON objects, never mutated). */

export type Json = Record<string, unknown>;

export const objectAt = (root: Json, path: readonly string[]): Json | undefined =>
  path.reduce<Json | undefined>((node, key) => {
    const next = node?.[key];
    return next && typeof next === 'object' && !Array.isArray(next) ? (next as Json) : undefined;
  }, root);

/** `root` with `value` at `path` (undefined removes it, and objects left empty with it). */
export function setAt(root: Json, path: readonly string[], value: unknown): Json {
  const [key, ...rest] = path;
  if (key === undefined) return root;
  const copy: Json = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const child = setAt(objectAt(root, [key]) ?? {}, rest, value);
  if (Object.keys(child).length === 0) delete copy[key];
  else copy[key] = child;
  return copy;
}
