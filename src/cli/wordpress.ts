/**
 * WordPress's export (WXR, Tools → Export): each `item` (post, page, podcast episode) with
 * its `wp:comment`s. Threads are keyed by the post's permalink path by default.
 */
import type { StoredStatus } from '../server/store/comment-store.js';
import { decodeEntities, htmlToText } from './html-text.js';
import { ANONYMOUS, ExportFormatError, badDate, isStorableTime, urlPath, type ExportFormat, type Outcome, type SourceComment, type ThreadKeySource } from './source.js';
import { child, childText, children, type XmlElement } from './xml.js';

const STATUSES: Record<string, StoredStatus> = { '1': 'approved', '0': 'pending', spam: 'spam', trash: 'deleted', 'post-trashed': 'deleted' };
const WP_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** WordPress's "no date", which it writes as the GMT date of comments it never dated in GMT. */
const NO_DATE = '0000-00-00 00:00:00';

/** `2024-05-02 08:00:00` as milliseconds, read as UTC; `undefined` for anything else, or a time Colloquy cannot keep. */
function wpDate(text: string): number | undefined {
  const parts = WP_DATE.exec(text)?.slice(1).map(Number);
  if (!parts) return undefined;
  const [year, month, day, hours, minutes, seconds] = parts as [number, number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hours, minutes, seconds);
  if (!isStorableTime(time)) return undefined;
  // Date.UTC rolls 2024-02-31 over into March; a real date comes back the same.
  return new Date(time).toISOString().startsWith(`${text.slice(0, 10)}T${text.slice(11)}`) ? time : undefined;
}

export function wordpressFormat(threadKey: ThreadKeySource = 'path'): ExportFormat {
  if (threadKey !== 'path' && threadKey !== 'link' && threadKey !== 'guid') {
    throw new ExportFormatError(`--thread-key must be path, link or guid for WordPress, not ${threadKey}`);
  }
  const comments: SourceComment[] = [];
  const skipped: Outcome[] = [];
  const failed: Outcome[] = [];

  function item(element: XmlElement): void {
    const entries = children(element, 'wp:comment');
    if (entries.length === 0) return;
    // WordPress writes titles HTML-escaped, even inside CDATA.
    const title = decodeEntities(childText(element, 'title')) || childText(element, 'wp:post_name') || 'an untitled post';
    const link = childText(element, 'link');
    const guid = childText(element, 'guid') || childText(element, 'wp:post_id');
    const thread = threadKey === 'guid' ? guid : threadKey === 'link' ? link : urlPath(link);
    for (const entry of entries) {
      const id = childText(entry, 'wp:comment_id');
      const where = `line ${entry.line}, comment ${id || '?'} on "${title}"`;
      const fail = (reason: string) => failed.push({ where, reason });
      if (!id) {
        fail('it has no wp:comment_id');
        continue;
      }
      if (!thread) {
        fail(`its post has no ${threadKey === 'path' ? 'http(s) link' : threadKey} to key the thread with`);
        continue;
      }
      const type = childText(entry, 'wp:comment_type');
      if (type === 'pingback' || type === 'trackback') {
        skipped.push({ where, reason: 'a pingback or trackback' });
        continue;
      }
      const approved = childText(entry, 'wp:comment_approved');
      const status = STATUSES[approved];
      if (!status) {
        fail(`its status "${approved}" is not one WordPress uses (1, 0, spam, trash)`);
        continue;
      }
      // The GMT date, unless WordPress left it empty; then the local one, read as UTC.
      const gmt = childText(entry, 'wp:comment_date_gmt');
      const field = gmt !== '' && gmt !== NO_DATE ? 'wp:comment_date_gmt' : 'wp:comment_date';
      const dated = child(entry, field);
      const text = childText(entry, field);
      const createdAt = wpDate(text);
      if (createdAt === undefined) badDate(dated?.line ?? entry.line, `comment ${id} on ${JSON.stringify(title)}`, field, text);
      const parent = childText(entry, 'wp:comment_parent');
      comments.push({
        key: `wxr:${guid}:${id}`,
        parentKey: parent && parent !== '0' ? `wxr:${guid}:${parent}` : null,
        thread,
        name: childText(entry, 'wp:comment_author') || ANONYMOUS,
        email: childText(entry, 'wp:comment_author_email').toLowerCase(),
        url: childText(entry, 'wp:comment_author_url') || null,
        body: htmlToText(childText(entry, 'wp:comment_content'), { newlines: 'keep' }),
        status,
        createdAt,
        where,
      });
    }
  }

  return {
    capture: (path) => path.length === 3 && path[0] === 'rss' && path[1] === 'channel' && path[2] === 'item',
    element: item,
    finish(root) {
      if (root !== 'rss') throw new ExportFormatError(`this is not a WordPress export: its root element is <${root}>, not <rss>`);
      return { comments, skipped, failed };
    },
  };
}
