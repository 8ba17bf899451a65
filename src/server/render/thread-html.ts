/**
 * A thread as plain HTML for crawlers, feed-less readers and `<noscript>`: a heading with
 * the count and nested ordered lists of articles. No scripts, no styles, no ids but each
 * comment's `comment-<id>` (the anchor permalinks use).
 */
import type { Comment } from '../../api/contract.js';
import { isHttpUrl } from '../../api/validate.js';
import { escapeText } from './markup.js';

const DATE = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });

/**
 * Renders `comments` (a page: top-level comments, each followed by its replies) under a heading
 * counting `count`; `moreReplies` says, by top-level comment id, how many replies the page held back.
 */
export function renderThreadHtml(count: number, comments: Comment[], moreReplies: ReadonlyMap<string, number> = new Map()): string {
  const children = new Map<string | null, Comment[]>();
  for (const comment of comments) {
    const siblings = children.get(comment.parentId);
    if (siblings) siblings.push(comment);
    else children.set(comment.parentId, [comment]);
  }
  const out = [`<section class="colloquy-thread">\n<h2>${count.toLocaleString('en-US')} ${count === 1 ? 'Comment' : 'Comments'}</h2>\n`];
  // Depth-first with an explicit stack: a long chain of replies must not exhaust the call stack.
  type Step = { comment: Comment } | { close: string };
  const stack: Step[] = [];
  const pushList = (list: Comment[] | undefined, close: string) => {
    if (!list) return;
    stack.push({ close });
    for (let i = list.length - 1; i >= 0; i--) stack.push({ comment: list[i]! });
    out.push('<ol>\n');
  };
  pushList(children.get(null), '</ol>\n');
  while (stack.length > 0) {
    const step = stack.pop()!;
    if ('close' in step) {
      out.push(step.close);
      continue;
    }
    out.push(`<li>${article(step.comment)}\n`);
    const held = step.comment.parentId === null ? (moreReplies.get(step.comment.id) ?? 0) : 0;
    stack.push({ close: held > 0 ? `<p>${held.toLocaleString('en-US')} more ${held === 1 ? 'reply' : 'replies'}</p>\n</li>\n` : '</li>\n' });
    pushList(children.get(step.comment.id), '</ol>\n');
  }
  out.push('</section>\n');
  return out.join('');
}

function article(comment: Comment): string {
  const id = `comment-${escapeText(comment.id)}`;
  if (comment.status === 'deleted') return `<article id="${id}"><p>This comment was deleted.</p></article>`;
  const name = escapeText(comment.author.name);
  const url = comment.author.url;
  // Stored urls were checked when posted; checked again, since rows can come from elsewhere (an import).
  const author = url !== null && isHttpUrl(url) ? `<a href="${escapeText(url)}" rel="nofollow ugc noopener">${name}</a>` : name;
  const date = new Date(comment.createdAt);
  return (
    `<article id="${id}"><header>${comment.pinned ? '<em>Pinned</em> ' : ''}<strong>${author}</strong>${comment.role === 'host' ? ' <small>(host)</small>' : ''} <time datetime="${escapeText(comment.createdAt)}">${DATE.format(date)}</time></header>` +
    `${paragraphs(comment.body)}</article>`
  );
}

/** Blank lines separate paragraphs; other line breaks stay as `<br>`. */
function paragraphs(body: string): string {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${paragraph.split('\n').map(escapeText).join('<br>')}</p>`)
    .join('');
}
