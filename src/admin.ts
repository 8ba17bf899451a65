/**
 * The moderation page's entry: `/admin` on the reference server loads this module, apart
 * from the visitor-facing colloquy.js, so the widget's size budget never carries it.
 */
export { ColloquyAdmin } from './components/admin/colloquy-admin.js';
