import type { Document } from 'yaml';

/**
 * Most YAML aliases (`*name`) a config file may expand. Config files need none; a "billion laughs"
 * file of nested aliases expands exponentially, and the yaml library stops it at this count.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * The plain value of a parsed YAML document, or a one-line reason it cannot be expanded (an alias
 * bomb, an alias cycle) for a RaqibError naming the file.
 */
export function yamlDocumentValue(document: Document): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    const reason = /alias/i.test(message)
      ? `its YAML aliases (*name) expand too far (more than ${MAX_YAML_ALIASES} uses; the yaml parser says: ${message}); write the values out, the file needs no aliases`
      : `cannot read its YAML (${message})`;
    return { ok: false, reason };
  }
}
