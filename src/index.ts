/**
 * The script-tag entry: `<script type="module" src=".../colloquy.js">` registers the
 * elements. Safe to load twice.
 */
import { ColloquyComments } from './components/comments/colloquy-comments.js';
import { ColloquyCount } from './components/count/colloquy-count.js';
import { define } from './components/shared/define.js';

define('colloquy-comments', ColloquyComments);
define('colloquy-count', ColloquyCount);

export { ColloquyComments, ColloquyCount };
export * from './events/events.js';
export type * from './api/contract.js';
