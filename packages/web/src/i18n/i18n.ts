import i18next from 'i18next';
import { ar } from './ar.js';
import { en } from './en.js';
import { fr } from './fr.js';

export const LANGUAGES = ['en', 'fr', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
export type DigitsSetting = 'auto' | 'latn' | 'arab';

const LANGUAGE_KEY = 'raqib.language';
const DIGITS_KEY = 'raqib.digits';
const RTL: ReadonlySet<Language> = new Set(['ar']);

const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

/**
 * The language at start: `?lang=` in the URL wins (and is remembered), then the one remembered in
 * localStorage, then the browser's, then English.
 */
export function initialLanguage(search: string, stored: string | null, browser: readonly string[]): Language {
  const fromUrl = new URLSearchParams(search).get('lang');
  if (isLanguage(fromUrl)) return fromUrl;
  if (isLanguage(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

let digits: DigitsSetting = 'auto';
const listeners = new Set<() => void>();

/** Calls `listener` after every change of language or digits; returns the unsubscribe function. */
export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or storage full: the choice holds for this page only.
  }
}

/** Initialises i18next with the three languages and applies the start language to `<html>`. */
export async function initI18n(): Promise<void> {
  const stored = readStorage(DIGITS_KEY);
  digits = stored === 'latn' || stored === 'arab' ? stored : 'auto';
  const language = initialLanguage(location.search, readStorage(LANGUAGE_KEY), navigator.languages ?? []);
  await i18next.init({
    lng: language,
    fallbackLng: false,
    resources: { en: { translation: en }, fr: { translation: fr }, ar: { translation: ar } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  writeStorage(LANGUAGE_KEY, language);
  applyToDocument(language);
}

function applyToDocument(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RTL.has(language) ? 'rtl' : 'ltr';
  document.title = i18next.t('app.name');
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

export async function setLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  writeStorage(LANGUAGE_KEY, language);
  applyToDocument(language);
  // Keep a `?lang=` in the address consistent with the choice (a reload must not switch back).
  const url = new URL(location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.set('lang', language);
    history.replaceState(history.state, '', url);
  }
  for (const listener of listeners) listener();
}

export function digitsSetting(): DigitsSetting {
  return digits;
}

export function setDigits(setting: DigitsSetting): void {
  digits = setting;
  writeStorage(DIGITS_KEY, setting);
  for (const listener of listeners) listener();
}

/** The numbering system in force: Arabic-Indic for Arabic unless the user chose Latin digits. */
export function numberingSystem(): 'latn' | 'arab' {
  if (digits !== 'auto') return digits;
  return currentLanguage() === 'ar' ? 'arab' : 'latn';
}

function locale(): string {
  return `${currentLanguage()}-u-nu-${numberingSystem()}`;
}

/** A number in the current language and digits, with at most `fractionDigits` decimals. */
export function formatNumber(value: number, fractionDigits = 0): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: fractionDigits }).format(value);
}

/** A wall-clock time (hours, minutes, seconds) in the current language and digits. */
export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(locale(), {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}

/** A date and time in the current language and digits. */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' }).format(ms);
}

export const t = i18next.t.bind(i18next);
