/**
 * Disqus's export (Admin → Moderation → Export): `thread`s, then `post`s pointing at their
 * thread and parent by `dsq:id`. Messages are HTML; they become plain text.
 */
import type { StoredStatus } from '../server/store/comment-store.js';
import { decodeEntities, htmlToText } from './html-text.js';
import { ANONYMOUS, ExportFormatError, badDate, isStorableTime, urlPath, type ExportFormat, type Outcome, type SourceComment, type ThreadKeySource } from './source.js';
import { child, childText, type XmlElement } from './xml.js';

interface DisqusThread {
  key: string | undefined;
  title: string;
}

/**
 * The address behind one of Disqus's redirect links (`https://disq.us/url?url=…`): the tag's
 * `title`, which Disqus sets to it, or else the `url` parameter without the `:signature`
 * Disqus appends.
 */
export function disqusLinkTarget(href: string, attributes: string): string {
  if (!/^https?:\/\/disq\.us\/url\?/i.test(href)) return href;
  const title = /\btitle\s*=\s*"([^"]*)"/i.exec(attributes)?.[1];
  if (title && /^https?:\/\//i.test(title)) return decodeEntities(title);
  const wrapped = new URL(href).searchParams.get('url')?.replace(/:[\w-]{6,}$/, '');
  return wrapped && /^https?:\/\//i.test(wrapped) ? wrapped : href;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function disqusFormat(threadKey: ThreadKeySource = 'path'): ExportFormat {
  if (threadKey !== 'path' && threadKey !== 'link' && threadKey !== 'id') {
    throw new ExportFormatError(`--thread-key must be path, link or id for Disqus, not ${threadKey}`);
  }
  const threads = new Map<string, DisqusThread>();
  const comments: SourceComment[] = [];
  const failed: Outcome[] = [];
  // Posts seen before their thread: Disqus writes threads first, but nothing promises it.
  const early: XmlElement[] = [];

  function thread(element: XmlElement): void {
    const id = element.attributes['dsq:id'];
    if (!id) return;
    const link = childText(element, 'link');
    const identifier = childText(element, 'id');
    const key = threadKey === 'link' ? link : threadKey === 'id' ? identifier || urlPath(link) : urlPath(link);
    threads.set(id, { key: key || undefined, title: childText(element, 'title') || link || `thread ${id}` });
  }

  function post(element: XmlElement): SourceComment | undefined {
    const id = element.attributes['dsq:id'];
    const threadId = child(element, 'thread')?.attributes['dsq:id'];
    const found = threadId === undefined ? undefined : threads.get(threadId);
    const where = `line ${element.line}, post ${id ?? '?'}${found ? ` on "${found.title}"` : ''}`;
    const fail = (reason: string) => void failed.push({ where, reason });
    if (!id) return fail('it has no dsq:id');
    if (!found) return fail(threadId === undefined ? 'it names no thread' : `its thread ${threadId} is not in the file`);
    if (!found.key) return fail(`its thread has no ${threadKey === 'path' ? 'http(s) link' : threadKey} to key it with`);
    const created = childText(element, 'createdAt');
    const createdAt = ISO.test(created) ? Date.parse(created) : NaN;
    if (!isStorableTime(createdAt)) badDate(child(element, 'createdAt')?.line ?? element.line, `post ${id}`, 'createdAt', created);
    const flag = (name: string) => childText(element, name).toLowerCase() === 'true';
    const status: StoredStatus = flag('isSpam') ? 'spam' : flag('isDeleted') ? 'deleted' : 'approved';
    const author = child(element, 'author');
    const parent = child(element, 'parent')?.attributes['dsq:id'];
    return {
      key: `disqus:${id}`,
      parentKey: parent ? `disqus:${parent}` : null,
      thread: found.key,
      name: (author && childText(author, 'name')) || ANONYMOUS,
      email: ((author && childText(author, 'email')) || '').toLowerCase(),
      url: (author && childText(author, 'link')) || null,
      body: htmlToText(childText(element, 'message'), { newlines: 'collapse', linkTarget: disqusLinkTarget }),
      status,
      createdAt,
      where,
    };
  }

  return {
    capture: (path) => path.length === 2 && path[0] === 'disqus' && (path[1] === 'thread' || path[1] === 'post'),
    element(element) {
      if (element.name === 'thread') return thread(element);
      const threadId = child(element, 'thread')?.attributes['dsq:id'];
      if (threadId !== undefined && !threads.has(threadId)) return void early.push(element);
      const comment = post(element);
      if (comment) comments.push(comment);
    },
    finish(root) {
      if (root !== 'disqus') throw new ExportFormatError(`this is not a Disqus export: its root element is <${root}>, not <disqus>`);
      for (const element of early) {
        const comment = post(element);
        if (comment) comments.push(comment);
      }
      return { comments, skipped: [], failed };
    },
  };
}
