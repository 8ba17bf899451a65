#!/usr/bin/env node
/**
 * The `colloquy` command (package.json "bin", compiled to dist/server/cli/bin.js):
 *
 *   colloquy serve     the server, configured by the environment (docs/server.md)
 *   colloquy demo      the server with the demo pages, as `npm start` shows it
 *   colloquy doctor    checks the configuration without starting the server
 *   colloquy import … | export | webhook-secret    see ./main.ts
 */
export {};

const [command, ...rest] = process.argv.slice(2);

if ((command === 'serve' || command === 'demo') && rest.length === 0) {
  const { startServer } = await import('../server/main.js');
  await startServer({ demo: command === 'demo', env: process.env }).catch((error: unknown) => {
    console.error(`[colloquy] Cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
} else if (command === 'doctor' && rest.length === 0) {
  const { runDoctor } = await import('./doctor.js');
  process.exitCode = await runDoctor(process.env, process.stdout);
} else {
  const { runCli } = await import('./main.js');
  process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
}
