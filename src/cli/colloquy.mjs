#!/usr/bin/env node
// `colloquy` from a source checkout, through tsx (a devDependency): the same commands as the
// published bin, dist/server/cli/bin.js, which is this file's bin.ts compiled by `npm run build`.
import { register } from 'tsx/esm/api';

register();
await import('./bin.ts');
