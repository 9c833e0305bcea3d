import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { FuzzRandom } from './fuzz-random.js';
import { textDecoder, textEncoder, type Mutant, type Mutator } from './mutator.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Replacement values: wrong types, extremes, empties, a long string. */
const ODD_VALUES: readonly Json[] = [
  null,
  true,
  '',
  'x',
  '1e3',
  -1,
  0,
  -0.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 53 + 2,
  [],
  {},
  [0],
  [1e308, 1e308],
  { a: 1 },
  'é'.repeat(10_000),
];

function containers(value: Json, path: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === 'object') {
    out.push(path);
    if (Array.isArray(value)) value.forEach((item, i) => containers(item, [...path, i], out));
    else for (const [key, item] of Object.entries(value)) containers(item, [...path, key], out);
  }
  return out;
}

function leaves(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) value.forEach((item, i) => leaves(item, [...path, i], out));
    else for (const [key, item] of Object.entries(value)) leaves(item, [...path, key], out);
  }
  return out;
}

function at(root: Json, path: Path): Json {
  let node = root;
  for (const key of path) node = (node as Record<string | number, Json>)[key]!;
  return node;
}

function describe(path: Path): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('') || '(root)';
}

/** Parses, edits and re-serialises a JSON or YAML document. */
function structural(
  name: string,
  format: 'json' | 'yaml',
  edit: (root: Json, random: FuzzRandom) => { root: Json; detail: string } | null,
): Mutator {
  return {
    name,
    apply(bytes, random): Mutant | null {
      try {
        const text = textDecoder.decode(bytes);
        const root = (format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 })) as Json;
        const edited = edit(structuredClone(root), random);
        if (!edited) return null;
        const indent = random.chance(0.5) ? 2 : undefined;
        const out = format === 'json' ? JSON.stringify(edited.root, null, indent) : stringifyYaml(edited.root);
        return { bytes: textEncoder.encode(out), detail: edited.detail };
      } catch {
        // Not parseable (an earlier mutation broke it) or too deep to walk: this edit does not apply.
        return null;
      }
    },
  };
}

/** Edits of the document tree of JSON or YAML files: delete, replace, duplicate, wrap. */
export function structureMutators(format: 'json' | 'yaml'): Mutator[] {
  return [
    structural('delete-key', format, (root, random) => {
      const paths = leaves(root).filter((p) => p.length > 0);
      if (paths.length === 0) return null;
      const path = random.pick(paths);
      const parent = at(root, path.slice(0, -1));
      const key = path[path.length - 1]!;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, Json>)[key as string];
      return { root, detail: describe(path) };
    }),
    structural('odd-value', format, (root, random) => {
      const path = random.pick(leaves(root));
      const value = random.pick(ODD_VALUES);
      if (path.length === 0) return { root: value, detail: '(root)' };
      const parent = at(root, path.slice(0, -1)) as Record<string | number, Json>;
      parent[path[path.length - 1]!] = value;
      const shown =
        typeof value === 'string' && value.length > 20 ? `string of ${value.length}` : JSON.stringify(value);
      return { root, detail: `${describe(path)} = ${shown}` };
    }),
    structural('duplicate-item', format, (root, random) => {
      const arrays = containers(root).filter((p) => Array.isArray(at(root, p)) && (at(root, p) as Json[]).length > 0);
      if (arrays.length === 0) return null;
      const path = random.pick(arrays);
      const list = at(root, path) as Json[];
      const copies = random.pick([1, 1, 1, 50, 2000]);
      const item = list[random.int(list.length)]!;
      for (let k = 0; k < copies; k++) list.push(structuredClone(item));
      return { root, detail: `${describe(path)} + ${copies} copies` };
    }),
    structural('add-key', format, (root, random) => {
      const objects = containers(root).filter((p) => !Array.isArray(at(root, p)));
      if (objects.length === 0) return null;
      const path = random.pick(objects);
      const key = random.pick(['__proto__', 'constructor', 'extra', 'id', 'type', '']);
      (at(root, path) as Record<string, Json>)[key] = random.pick(ODD_VALUES);
      return { root, detail: `${describe(path)}.${key}` };
    }),
    structural('wrap', format, (root, random) => {
      const path = random.pick(leaves(root));
      const wrapped: Json = random.chance(0.5) ? [at(root, path)] : { value: at(root, path) };
      if (path.length === 0) return { root: wrapped, detail: '(root)' };
      (at(root, path.slice(0, -1)) as Record<string | number, Json>)[path[path.length - 1]!] = wrapped;
      return { root, detail: describe(path) };
    }),
    {
      name: 'deep-nesting',
      apply(bytes, random) {
        const depth = random.pick([1000, 10_000, 100_000]);
        const text =
          format === 'json'
            ? '{"a":' + '['.repeat(depth) + ']'.repeat(depth) + '}'
            : 'a: ' + '['.repeat(depth) + ']'.repeat(depth) + '\n';
        return { bytes: textEncoder.encode(text), detail: `${depth} nested arrays` };
      },
    },
  ];
}

/** YAML "billion laughs": aliases that expand to billions of nodes; must be refused quickly. */
export const ALIAS_BOMB: Mutator = {
  name: 'yaml-alias-bomb',
  apply(_bytes, random) {
    const levels = random.pick([6, 9, 12]);
    const out = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let k = 1; k <= levels; k++) {
      const refs = Array.from({ length: 9 }, () => `*a${k - 1}`).join(',');
      out.push(`a${k}: &a${k} [${refs}]`);
    }
    return {
      bytes: textEncoder.encode(out.join('\n') + '\n'),
      detail: `${levels} levels of 9 aliases`,
      expect: 'must-fail',
    };
  },
};
