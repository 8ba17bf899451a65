// svelte-check reads this instead of the repository's vite.config.ts (which has no Svelte plugin).
export default {};
