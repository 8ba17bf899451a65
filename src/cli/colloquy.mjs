#!/usr/bin/env node
// The `colloquy` command (package.json "bin"). The CLI is TypeScript run through tsx, a
// dependency already, so the package needs no build step for it.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./main.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
