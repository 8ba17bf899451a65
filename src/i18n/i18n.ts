import en, { type PluralMessage, type ReadingStrings, type Strings } from './en.js';
import { perLocale } from './per-locale.js';

/** What an element speaks: every reading string, and the writing ones a locale or the site gave. */
export type Localized = ReadingStrings & Partial<Strings>;

/** Languages with a file in `./locales/`; English is built in. */
export const LOCALES = 'de fr es pt it nl pl ja zh ar he'.split(' ');

const RTL = /^(ar|he|fa|ur)\b/;
const loaded = new Map<string, Promise<Localized>>();
// Held in a variable so the bundler leaves the URL alone: each locale is its own file,
// fetched at run time next to the script (dist/locales/xx.js, or src/i18n/locales/xx.ts in tests).
const here = import.meta.url;

/** The language an element speaks: its own `lang`, else the nearest one around it, else English. */
export function localeOf(el: Element): string {
  const lang = el.closest<HTMLElement>('[lang]')?.lang || document.documentElement.lang;
  try {
    return Intl.getCanonicalLocales(lang.replace('_', '-'))[0] ?? 'en';
  } catch {
    return 'en';
  }
}

export const directionOf = (locale: string) => (RTL.test(locale) ? 'rtl' : 'ltr');

/** A locale's strings, English filling any gap: English at once, others downloaded once per language. */
export function stringsFor(locale: string): Localized | Promise<Localized> {
  const language = locale.split('-')[0].toLowerCase();
  if (!LOCALES.includes(language)) return en;
  let strings = loaded.get(language);
  if (!strings) {
    strings = import(/* @vite-ignore */ new URL(`locales/${language}.js`, here).href).then(
      (module: { default: Strings }) => ({ ...en, ...module.default }),
      () => {
        // Offline or missing: English now, and another try next time.
        loaded.delete(language);
        return en;
      },
    );
    loaded.set(language, strings);
  }
  return strings;
}

/**
 * A locale's number formatter, made once: a page's first loads the locale's number data (about
 * 5 ms), and `toLocaleString` makes a new one on every call.
 */
export const numbers = perLocale((locale) => new Intl.NumberFormat(locale));
const pluralRules = perLocale((locale) => new Intl.PluralRules(locale));

/** A message as text: the form for `value` when it has plural forms, with `{n}` / `{name}` filled in. */
export function say(message: string | PluralMessage, locale: string, value: number | string = ''): string {
  const text = typeof message === 'string' ? message : (message[value as number] ?? message[pluralRules(locale).select(value as number)] ?? message.other);
  const filled = typeof value === 'number' ? numbers(locale).format(value) : value;
  return text.replace(/\{(n|name)\}/g, () => filled);
}
