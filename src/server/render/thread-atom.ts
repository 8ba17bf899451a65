/**
 * A thread's newest comments as an Atom 1.0 feed (RFC 4287). Text is escaped and stripped
 * of what XML 1.0 cannot carry, so a stored comment never makes the feed unreadable.
 */
import { shownWebsite } from '../http/comment-json.js';
import { escapeText } from './markup.js';
import type { FeedComment } from '../store/comment-store.js';
import { isoTime } from '../http/iso-time.js';

export interface FeedInput {
  thread: string;
  /** The page the thread is on (http or https, no fragment), or `null` to link nothing. */
  pageUrl: string | null;
  /** Newest first. */
  comments: FeedComment[];
  /** The feed's and each entry's stable id. */
  ids: { feed: (thread: string) => string; entry: (id: number) => string };
}

export function renderThreadAtom({ thread, pageUrl, comments, ids }: FeedInput): string {
  // An empty thread has changed at no known moment; the epoch keeps its feed (and ETag) stable.
  const updated = Math.max(0, ...comments.map((comment) => comment.updatedAt));
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<feed xmlns="http://www.w3.org/2005/Atom">\n',
    `<id>${ids.feed(thread)}</id>\n`,
    `<title>Comments on ${escapeText(thread)}</title>\n`,
    `<updated>${iso(updated)}</updated>\n`,
    pageUrl ? `<link rel="alternate" type="text/html" href="${escapeText(pageUrl)}"/>\n` : '',
    '<generator>Colloquy</generator>\n',
  ];
  for (const comment of comments) {
    const name = escapeText(comment.name) || 'Anonymous';
    const website = shownWebsite(comment.url);
    const uri = website !== null ? `<uri>${escapeText(website)}</uri>` : '';
    out.push(
      '<entry>\n',
      `<id>${ids.entry(comment.id)}</id>\n`,
      // The site's own comments say so, as the widget's badge does.
      `<title>${comment.role === 'host' ? 'Reply from the host' : 'Comment'} by ${name}</title>\n`,
      `<author><name>${name}</name>${uri}</author>\n`,
      `<published>${iso(comment.createdAt)}</published>\n`,
      `<updated>${iso(Math.max(comment.updatedAt, comment.createdAt))}</updated>\n`,
      pageUrl ? `<link rel="alternate" type="text/html" href="${escapeText(`${pageUrl}#comment-${comment.id}`)}"/>\n` : '',
      `<content type="text">${escapeText(comment.body)}</content>\n`,
      '</entry>\n',
    );
  }
  out.push('</feed>\n');
  return out.join('');
}

const iso = isoTime;
