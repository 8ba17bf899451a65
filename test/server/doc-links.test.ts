/**
 * Every relative link in README.md and docs/*.md points to a file that exists and, when it names
 * an anchor (`#section`), to a heading (or an `id`) that the Markdown file holds, as GitHub
 * renders headings into anchors. Links inside code are not links; web addresses are not checked.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The text outside fenced code blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchors for a Markdown file's headings (repeats get -1, -2, …), and its explicit ids. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[*_`]/g, (mark) => (mark === '_' ? '_' : ''));
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id!);
  return found;
}

function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name));
  return [join(ROOT, 'README.md'), ...docs];
}

/** Every broken relative link of `file`, as `file: target (why)`. */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const broken: string[] = [];
  for (const [, target] of prose(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target!) || target!.startsWith('//')) continue;
    const [path, anchor] = target!.split('#', 2) as [string, string | undefined];
    const destination = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    const where = `${relative(ROOT, file)}: ${target}`;
    if (!existsSync(destination)) {
      broken.push(`${where} (no such file)`);
      continue;
    }
    if (anchor === undefined || anchor === '' || !destination.endsWith('.md') || statSync(destination).isDirectory()) continue;
    if (!anchors(readFileSync(destination, 'utf8')).has(decodeURIComponent(anchor))) broken.push(`${where} (no such anchor)`);
  }
  return broken;
}

describe('the documentation’s links', () => {
  it('makes anchors as GitHub does', () => {
    assert.deepEqual([...anchors('# Several instances\n## `GET /healthz`: health\n## Live updates\n## Live updates\n```\n# not a heading\n```\n')], [
      'several-instances',
      'get-healthz-health',
      'live-updates',
      'live-updates-1',
    ]);
  });

  it('finds a missing file and a missing anchor, and ignores code and web addresses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'colloquy-links-'));
    try {
      writeFileSync(join(dir, 'b.md'), '# B\n## Access\n');
      writeFileSync(
        join(dir, 'a.md'),
        '# A\n[ok](b.md#access) [self](#a) [file](b.md) [web](https://example.com/x.md)\n' +
          '[no file](admin-api.md#access) [no anchor](b.md#nope) `[code](c.md)`\n```\n[fenced](d.md)\n```\n',
      );
      assert.deepEqual(
        brokenLinks(join(dir, 'a.md')).map((line) => line.slice(line.indexOf(': ') + 2)),
        ['admin-api.md#access (no such file)', 'b.md#nope (no such anchor)'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const file of documents()) {
    it(`${relative(ROOT, file)}: every relative link points to an existing file and anchor`, () => {
      assert.deepEqual(brokenLinks(file), []);
    });
  }
});
