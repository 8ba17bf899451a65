import type { Comment } from '../../api/contract.js';

/**
 * A thread as the endpoint sent it, checked and arranged: every well-formed comment
 * reachable from a top-level one, in order, with its replies. Built without recursion, so a
 * reply chain thousands deep costs no stack.
 */
export interface Tree {
  /** Top-level comments, in the endpoint's order. */
  roots: Comment[];
  /** Replies of each comment, in the endpoint's order. */
  children: Map<string, Comment[]>;
  /** Each top-level comment's conversation in reading order (depth first), the root first. */
  conversations: Comment[][];
  /** How many comments were left out as malformed, duplicated, orphaned or in a cycle. */
  skipped: number;
}

const STATUSES = new Set(['approved', 'pending', 'deleted']);
export const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * A comment from an endpoint of anyone's writing has the contract's shape before it is
 * shown; anything else is skipped rather than allowed to break the thread.
 */
export function isWellFormed(value: unknown): value is Comment {
  if (!value || typeof value !== 'object') return false;
  const c = value as Record<string, unknown>;
  const author = c.author as Record<string, unknown> | null;
  return (
    isString(c.id) &&
    !!c.id &&
    (c.parentId === null || (isString(c.parentId) && c.parentId !== c.id)) &&
    isString(c.body) &&
    isString(c.createdAt) &&
    STATUSES.has(c.status as string) &&
    typeof author === 'object' &&
    !!author &&
    isString(author.name) &&
    (author.url == null || isString(author.url)) &&
    (author.avatar === undefined || isString(author.avatar))
  );
}

export function buildTree(comments: readonly unknown[]): Tree {
  const byId = new Map<string, Comment>();
  let bad = 0;
  for (const comment of comments) {
    if (!isWellFormed(comment) || byId.has(comment.id)) bad++;
    else byId.set(comment.id, comment);
  }
  const roots: Comment[] = [];
  const children = new Map<string, Comment[]>();
  for (const comment of byId.values()) {
    if (comment.parentId === null) roots.push(comment);
    else if (byId.has(comment.parentId)) {
      const siblings = children.get(comment.parentId);
      if (siblings) siblings.push(comment);
      else children.set(comment.parentId, [comment]);
    }
  }
  // Whatever no top-level comment leads to (an unknown parent, a cycle) is not shown.
  let reached = 0;
  const conversations = roots.map((root) => {
    const order: Comment[] = [];
    const stack = [root];
    while (stack.length) {
      const comment = stack.pop()!;
      order.push(comment);
      const replies = children.get(comment.id);
      if (replies) for (let i = replies.length; i--; ) stack.push(replies[i]);
    }
    reached += order.length;
    return order;
  });
  return { roots, children, conversations, skipped: bad + byId.size - reached };
}
