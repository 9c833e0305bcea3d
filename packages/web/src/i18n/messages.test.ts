import { describe, expect, it } from 'vitest';
import { ar } from './ar.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { initialLanguage } from './i18n.js';

/** Every key path of a messages object, with its placeholders. */
function leaves(messages: object, prefix = ''): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort());
    else for (const [k, v] of leaves(value as object, path)) out.set(k, v);
  }
  return out;
}

describe('dashboard messages', () => {
  const reference = leaves(en);

  it.each([
    ['fr', fr],
    ['ar', ar],
  ])('%s has exactly the English keys, each with the same placeholders, none left empty', (_name, messages) => {
    const translated = leaves(messages);
    expect([...translated.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [key, placeholders] of reference) {
      expect(translated.get(key), key).toEqual(placeholders);
    }
    for (const [key] of translated) expect(key.length).toBeGreaterThan(0);
  });

  it('Arabic strings are Arabic: no Latin word outside the language names and units', () => {
    const allowed = new Set(['languages.en', 'languages.fr']);
    for (const [key] of leaves(ar)) {
      if (allowed.has(key)) continue;
      const value = key
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], ar) as string;
      expect(value.replace(/\{\{\w+\}\}/g, ''), key).not.toMatch(/[A-Za-z]/);
    }
  });
});

describe('initialLanguage', () => {
  it.each([
    ['?lang=ar', 'fr', ['en-US'], 'ar'],
    ['?lang=xx', 'fr', ['en-US'], 'fr'],
    ['', null, ['ar-SA', 'en'], 'ar'],
    ['', null, ['de-DE', 'fr-CA'], 'fr'],
    ['', 'zz', ['de-DE'], 'en'],
  ] as const)('search %s, stored %s, browser %j -> %s', (search, stored, browser, expected) => {
    expect(initialLanguage(search, stored, browser)).toBe(expected);
  });
});
