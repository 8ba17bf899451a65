/** Server-Sent Events as the live stream writes them (https://html.spec.whatwg.org/#server-sent-events). */
import type { Comment } from '../../api/contract.js';

/**
 * One event. `data` is one line of JSON: JSON.stringify escapes every line break inside strings,
 * so visitor text can never end the field or start another one.
 */
export function sseEvent(event: string, id: string, data: string): string {
  return `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`;
}

export function sseComment(event: 'comment' | 'edit', id: string, comment: Comment): string {
  return sseEvent(event, id, JSON.stringify(comment));
}
