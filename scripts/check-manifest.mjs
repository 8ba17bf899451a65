#!/usr/bin/env node
/**
 * The public names are promises to site owners, written in three places: the elements'
 * JSDoc (from which custom-elements.json is generated), the README's tables, and the
 * rendered widget (checked by the browser tests). This check fails when the manifest and
 * the README disagree on <colloquy-comments>' parts, custom properties, attributes or events.
 */
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const readme = readFileSync('README.md', 'utf8');

const element = manifest.modules
  .flatMap((m) => m.declarations ?? [])
  .find((d) => d.tagName === 'colloquy-comments');
if (!element) throw new Error('[colloquy] custom-elements.json has no colloquy-comments');

/** The backticked names in the first column of the README table under `heading`. */
function tableNames(heading) {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`[colloquy] README.md has no "${heading}" section`);
  const section = readme.slice(start + heading.length + 2).split(/\n#{2,3} /)[0];
  const names = new Set();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    for (const [, name] of line.split('|')[1].matchAll(/`([^`]+)`/g)) names.add(name);
  }
  return names;
}

let failed = false;
function compare(what, documented, declared) {
  const missing = [...declared].filter((n) => !documented.has(n));
  const extra = [...documented].filter((n) => !declared.has(n));
  if (missing.length) console.error(`[colloquy] ${what} in the manifest but not in README.md: ${missing.join(', ')}`);
  if (extra.length) console.error(`[colloquy] ${what} in README.md but not in the manifest: ${extra.join(', ')}`);
  failed ||= missing.length > 0 || extra.length > 0;
  if (!missing.length && !extra.length) console.log(`  ${what}: ${declared.size} agree`);
}

compare('CSS parts', tableNames('### CSS parts'), new Set((element.cssParts ?? []).map((p) => p.name)));
compare('custom properties', tableNames('### Custom properties'), new Set((element.cssProperties ?? []).map((p) => p.name)));
compare('events', tableNames('### Events'), new Set((element.events ?? []).map((e) => e.name)));
const attributes = tableNames('### Attributes and properties');
const declaredAttributes = new Set((element.attributes ?? []).map((a) => a.name));
// `lang` is the global HTML attribute, documented but not declared.
declaredAttributes.add('lang');
compare('attributes', new Set([...attributes].filter((n) => !/^[a-z]+[A-Z]/.test(n))), declaredAttributes);

if (failed) process.exit(1);
console.log('[colloquy] custom-elements.json and README.md agree');
