/**
 * The script-tag entry: `<script type="module" src=".../colloquy.js">` registers the
 * elements. Safe to load twice.
 */
import { ColloquyComments } from './components/comments/colloquy-comments.js';
import { define } from './components/shared/define.js';

define('colloquy-comments', ColloquyComments);

export { ColloquyComments };
export * from './events/events.js';
export type * from './api/contract.js';
