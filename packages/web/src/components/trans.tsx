import type { ComponentChild } from 'preact';
import { t } from '../i18n/i18n.js';

/**
 * A translated sentence with values put in place: strings from the data (ids, names, user names)
 * are wrapped in `<bdi translate="no">` so that they keep their own direction inside Arabic text and
 * are known not to be interface text (the browser test that looks for untranslated strings skips
 * them). Numbers must be formatted by the caller (formatNumber) before.
 */
export function Trans({ k, values }: { k: string; values: Record<string, ComponentChild> }) {
  const placeholders = Object.fromEntries(Object.keys(values).map((name) => [name, `{{${name}}}`]));
  const text = t(k, { ...placeholders, interpolation: { escapeValue: false, skipOnVariables: true } });
  const parts = text.split(/\{\{(\w+)\}\}/);
  return (
    <>
      {parts.map((part, index) => {
        if (index % 2 === 0) return part;
        const value = values[part];
        return typeof value === 'string' ? (
          <bdi key={index} translate={false} class="data">
            {value}
          </bdi>
        ) : (
          <span key={index}>{value}</span>
        );
      })}
    </>
  );
}

/** A value from the data (an id, a name): its own direction, and not interface text. */
export function Data({ children }: { children: ComponentChild }) {
  return (
    <bdi translate={false} class="data">
      {children}
    </bdi>
  );
}
