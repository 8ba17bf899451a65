import type { Comment } from '../../api/contract.js';

/** Children of each comment (`null` for top level), in the order the endpoint sent them. */
export type Tree = Map<string | null, Comment[]>;

export function buildTree(comments: readonly Comment[]): Tree {
  const ids = new Set(comments.map((c) => c.id));
  const tree: Tree = new Map();
  for (const comment of comments) {
    // A reply whose parent is not on hand (removed meanwhile) still shows, at the top level.
    const parent = comment.parentId !== null && ids.has(comment.parentId) ? comment.parentId : null;
    const siblings = tree.get(parent);
    if (siblings) siblings.push(comment);
    else tree.set(parent, [comment]);
  }
  return tree;
}
