/**
 * One object per locale, made on first use and kept: a page's first `Intl` formatter or rule set
 * loads the locale's data (several ms), and each later one costs a fresh object for nothing.
 */
export function perLocale<T>(make: (locale?: string) => T): (locale?: string) => T {
  const made = new Map<string | undefined, T>();
  return (locale) => {
    let value = made.get(locale);
    if (value === undefined) made.set(locale, (value = make(locale)));
    return value;
  };
}
