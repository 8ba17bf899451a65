/**
 * The comment threads the render benchmark serves: the same every run (a fixed seed).
 *
 * - `flat`: 1,000 top-level comments.
 * - `threaded`: 250 top-level comments, each with a chain of 3 nested replies (1,000 in all).
 * - `chain`: one top-level comment and 5,000 replies, each answering the one before.
 *
 * Bodies read like comments under an episode: one to four paragraphs of 8 to 90 words,
 * and now and then a link, *emphasis* or **strong** words, a podcast timestamp, a quote
 * line or `code`, so the widget's formatter has its usual work to do.
 */
import type { Comment } from '../src/api/contract.js';

export type DataSet = 'flat' | 'threaded' | 'chain';

export const DATA_SETS: Record<DataSet, { label: string; roots: number; repliesPerRoot: number; nested: boolean }> = {
  flat: { label: '1,000 top-level', roots: 1000, repliesPerRoot: 0, nested: false },
  threaded: { label: '250 top-level × 3 nested replies', roots: 250, repliesPerRoot: 3, nested: true },
  chain: { label: 'a chain of 5,000 replies', roots: 1, repliesPerRoot: 5000, nested: true },
};

/** A small, fast, seeded generator (mulberry32), so every run serves the same text. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the episode guest really enjoyed part about open source governance and how the co-op handles ' +
  'meetings question answer thanks great listen again later interview host story history music ' +
  'mixing sound quality a bit quiet at times loved how they explained funding volunteers community ' +
  'library city council budget vote transcript notes link book recommended reading season finale ' +
  'next week please more of this kind of conversation i disagree with the point on licensing but ' +
  'otherwise brilliant'
).split(' ');
const FIRST = 'Ada Grace Linus Margaret Ken Barbara Dennis Frances Alan Hedy Tim Radia Sophie Yukihiro Guido Anders'.split(' ');
const LAST = 'Lovelace Hopper Torvalds Hamilton Thompson Liskov Ritchie Allen Turing Lamarr Berners-Lee Perlman Wilson Matsumoto Rossum Hejlsberg'.split(' ');

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function sentence(rand: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(rand, WORDS));
  // Dressing, each on a share of the comments, as people write them.
  if (rand() < 0.25) out.splice(Math.floor(rand() * out.length), 0, `*${pick(rand, WORDS)}*`);
  if (rand() < 0.1) out.splice(Math.floor(rand() * out.length), 0, `**${pick(rand, WORDS)} ${pick(rand, WORDS)}**`);
  if (rand() < 0.3) out.splice(Math.floor(rand() * out.length), 0, `at ${Math.floor(rand() * 60)}:${String(Math.floor(rand() * 60)).padStart(2, '0')}`);
  if (rand() < 0.2) out.push(`(see https://example.org/notes/${Math.floor(rand() * 1000)}?ref=episode)`);
  if (rand() < 0.05) out.splice(Math.floor(rand() * out.length), 0, '`npm test`');
  const text = out.join(' ');
  return text[0]!.toUpperCase() + text.slice(1) + '.';
}

export function body(rand: () => number): string {
  const paragraphs = 1 + Math.floor(rand() * rand() * 4);
  const parts: string[] = [];
  if (rand() < 0.05) parts.push(`> ${sentence(rand, 6 + Math.floor(rand() * 10))}`);
  for (let p = 0; p < paragraphs; p++) {
    const sentences = 1 + Math.floor(rand() * 3);
    const lines: string[] = [];
    for (let s = 0; s < sentences; s++) lines.push(sentence(rand, 4 + Math.floor(rand() * 26)));
    // A single line break inside a paragraph now and then, as a list of thoughts.
    parts.push(lines.join(rand() < 0.15 ? '\n' : ' '));
  }
  return parts.join('\n\n');
}

/** The thread in the order a page lists it: each top-level comment followed by its replies, parents first. */
export function buildComments(set: DataSet): Comment[] {
  const { roots, repliesPerRoot, nested } = DATA_SETS[set];
  const rand = seeded(set === 'flat' ? 1 : set === 'threaded' ? 2 : 3);
  const start = Date.parse('2026-03-01T08:00:00.000Z');
  const out: Comment[] = [];
  let n = 0;
  const make = (parentId: string | null): Comment => {
    n++;
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    const name = rand() < 0.2 ? first.toLowerCase() + Math.floor(rand() * 100) : `${first} ${last}`;
    return {
      id: String(n),
      parentId,
      author: {
        name,
        url: rand() < 0.3 ? `https://${first.toLowerCase()}.example/` : null,
        avatar: `seed-${Math.floor(rand() * 1e9).toString(36)}`,
      },
      body: body(rand),
      createdAt: new Date(start + n * 97_000).toISOString(),
      status: 'approved',
    };
  };
  for (let r = 0; r < roots; r++) {
    const root = make(null);
    out.push(root);
    let parent = root.id;
    for (let i = 0; i < repliesPerRoot; i++) {
      const reply = make(nested ? parent : root.id);
      out.push(reply);
      parent = reply.id;
    }
  }
  return out;
}
