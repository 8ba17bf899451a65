/**
 * `colloquy`: import comments from WordPress or Disqus, and export or restore Colloquy's
 * own backup. The database is the server's: DATABASE_URL, read as the server reads it.
 * Run through `src/cli/colloquy.mjs` (the package's `bin`); tests call {@link runCli}.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { ConfigError, parseConfig } from '../server/config.js';
import { loadOrCreateSecret, readKeyFile } from '../server/security/secret.js';
import { openStore } from '../server/store/index.js';
import type { CommentStore } from '../server/store/comment-store.js';
import { derivedWebhookSecret } from '../server/integrations/webhook.js';
import { BackupError, parseBackup, restoreBackup, writeBackup } from './backup.js';
import { disqusFormat } from './disqus.js';
import { importComments, type ImportReport } from './importer.js';
import { progress, type ProgressOutput } from './progress.js';
import { ExportFormatError, type ExportFormat, type Outcome, type ThreadKeySource } from './source.js';
import { wordpressFormat } from './wordpress.js';
import { XmlReader, XmlSyntaxError } from './xml.js';

export const USAGE = `Usage:
  colloquy serve                      the server (docs/server.md)
  colloquy demo                       the server with the demo pages
  colloquy doctor                     check the configuration without starting the server
  colloquy import wordpress <file> [--thread-key=path|link|guid] [--dry-run]
  colloquy import disqus <file> [--thread-key=path|link|id] [--dry-run]
  colloquy import json <file> [--dry-run]
  colloquy export > backup.json
  colloquy webhook-secret

The database is DATABASE_URL's, as for the server (unset: sqlite:./data/colloquy.db).
<file> may be - for standard input. See docs/server.md, "Import and export".`;

export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: ProgressOutput;
  stdin?: Readable;
  /** Opens the store; by default the one DATABASE_URL names. `secret` is for its keyed migrations. */
  openStore?: (options: { secret?: string }) => Promise<CommentStore>;
  /** The server's secret; by default COLLOQUY_SECRET, or the one saved beside the database, as the server finds it. */
  secret?: string;
  /** How long before progress shows, and how often (ms); one second each unless a test says otherwise. */
  progressMs?: number;
}

/** A problem to report in one line, with exit code 1. */
class CliError extends Error {}

const MAX_LISTED = 50;

/** Runs one command; resolves with the exit code. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const out = async (text: string) => {
    if (!context.stdout.write(text)) await once(context.stdout, 'drain');
  };
  const err = (text: string) => context.stderr.write(`[colloquy] ${text}\n`);
  try {
    const { positional, flags } = parseArgs(argv);
    const [command, kind, file] = positional;
    if (flags.has('help') || command === undefined || command === 'help') {
      await out(`${USAGE}\n`);
      return command === undefined && !flags.has('help') ? 1 : 0;
    }
    if (command === 'import' && (kind === 'wordpress' || kind === 'disqus' || kind === 'json') && file !== undefined && positional.length === 3) {
      allowFlags(flags, kind === 'json' ? ['dry-run'] : ['dry-run', 'thread-key']);
      return await importCommand(kind, file, flags, context, out, err);
    }
    if (command === 'export' && positional.length === 1) {
      allowFlags(flags, []);
      return await withStore(context, findSecret(context, false, err), async (store) => {
        const shown = progress(context.stderr, timing(context));
        const count = await writeBackup(store, out, (done) => shown.update(() => `Exported ${done.toLocaleString('en')} comments…`));
        shown.done();
        err(`Exported ${plural(count, 'comment')}.`);
        return 0;
      });
    }
    if (command === 'webhook-secret' && positional.length === 1) {
      allowFlags(flags, []);
      const config = parseConfig(context.env);
      if (config.webhook?.secret) {
        await out(`${config.webhook.secret}\n`);
        return 0;
      }
      const secret = config.secret ?? readKeyFile(config.secretPath, 'COLLOQUY_SECRET');
      if (!secret) throw new CliError(`There is no secret yet in ${config.secretPath}: start the server once, or set COLLOQUY_SECRET.`);
      await out(`${derivedWebhookSecret(secret)}\n`);
      return 0;
    }
    throw new CliError(`Unknown command: colloquy ${argv.join(' ')}\n${USAGE}`);
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
}

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') flags.set('help', '');
    else if (arg.startsWith('--')) {
      const [name, value] = arg.slice(2).split(/=(.*)/s) as [string, string | undefined];
      if (value !== undefined) flags.set(name, value);
      else if (name === 'thread-key' && argv[i + 1] !== undefined) flags.set(name, argv[++i]!);
      else flags.set(name, '');
    } else positional.push(arg);
  }
  return { positional, flags };
}

function allowFlags(flags: Map<string, string>, allowed: string[]): void {
  for (const name of flags.keys()) if (!allowed.includes(name)) throw new CliError(`Unknown option --${name}.\n${USAGE}`);
}

const timing = (context: CliContext) => ({ delayMs: context.progressMs ?? 1000, everyMs: context.progressMs ?? 1000 });
const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${n === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`;

/**
 * The server's secret, found as the server finds it. An import needs one (its comments' keys
 * are HMACs under it), so it makes one where the server would, if there is none yet; an
 * export only passes on one that exists, for the keyed migrations.
 */
function findSecret(context: CliContext, create: boolean, err: (text: string) => void): string | undefined {
  if (context.secret !== undefined) return context.secret;
  const config = parseConfig(context.env);
  if (config.secret) return config.secret;
  if (!create) return readKeyFile(config.secretPath, 'COLLOQUY_SECRET');
  const { secret, created } = loadOrCreateSecret(config.secretPath);
  if (created) err(`Generated a secret and saved it to ${config.secretPath}; keep it with the database (the server will use it).`);
  return secret;
}

async function withStore<T>(context: CliContext, secret: string | undefined, work: (store: CommentStore) => Promise<T>): Promise<T> {
  const store = await (context.openStore ?? ((options) => openStore(parseConfig(context.env).database, options)))({ secret });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function importCommand(
  kind: 'wordpress' | 'disqus' | 'json',
  file: string,
  flags: Map<string, string>,
  context: CliContext,
  out: (text: string) => Promise<void>,
  err: (text: string) => void,
): Promise<number> {
  const dryRun = flags.has('dry-run');
  const name = file === '-' ? 'standard input' : file;
  const shown = progress(context.stderr, timing(context));
  const writing = (done: number, total: number) =>
    shown.update(() => `${dryRun ? 'Checking' : 'Importing'}: ${done.toLocaleString('en')} of ${plural(total, 'comment')}`);
  // Read and checked in full before the database is opened: a malformed file changes nothing.
  try {
    if (kind === 'json') {
      const comments = parseBackup(await readText(file, context));
      const secret = findSecret(context, true, err)!;
      const report = await withStore(context, secret, (store) => restoreBackup(store, comments, { secret, dryRun, progress: writing }));
      shown.done();
      const verb = dryRun ? 'Would restore' : 'Restored';
      await out(`[colloquy] ${verb} ${plural(report.imported, 'comment')} from ${name}; skipped ${report.skipped.toLocaleString('en')} already there.\n`);
      if (report.renumbered > 0) await out(`[colloquy] ${plural(report.renumbered, 'comment')} got a new id: another comment had theirs.\n`);
    } else {
      const threadKey = (flags.get('thread-key') || 'path') as ThreadKeySource;
      const format = kind === 'wordpress' ? wordpressFormat(threadKey) : disqusFormat(threadKey);
      const root = await readXml(file, format, context, shown);
      const parsed = format.finish(root);
      const secret = findSecret(context, true, err)!;
      const report = await withStore(context, secret, (store) => importComments(store, parsed, { secret, dryRun, progress: writing }));
      shown.done();
      await out(summary(report, name, dryRun));
    }
    if (dryRun) await out('[colloquy] Dry run: nothing was written.\n');
    return 0;
  } catch (error) {
    shown.done();
    const reported = [XmlSyntaxError, BackupError, ExportFormatError, CliError];
    if (reported.some((kind) => error instanceof kind)) {
      err(`Cannot import ${name}: ${(error as Error).message}. Nothing was imported.`);
      return 1;
    }
    throw error;
  }
}

async function readText(file: string, context: CliContext): Promise<string> {
  let bytes: Buffer;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of context.stdin ?? process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    bytes = Buffer.concat(chunks);
  } else {
    bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(error.code === 'ENOENT' ? 'there is no such file' : error.message);
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError('it is not UTF-8 text');
  }
}

/** Streams the file through the XML reader; resolves with the root element's name. */
async function readXml(file: string, format: ExportFormat, context: CliContext, shown: ReturnType<typeof progress>): Promise<string | undefined> {
  const size = file === '-' ? 0 : await stat(file).then((info) => info.size, () => 0);
  let source: Readable;
  if (file === '-') source = context.stdin ?? process.stdin;
  else {
    source = createReadStream(file);
    source.once('error', () => undefined);
  }
  const reader = new XmlReader({ capture: (path) => format.capture(path), onElement: (element, path) => format.element(element, path) });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  try {
    for await (const chunk of source) {
      bytes += (chunk as Buffer).length;
      try {
        reader.write(decoder.decode(chunk as Buffer, { stream: true }));
      } catch (error) {
        if (error instanceof TypeError) throw new CliError(`it is not UTF-8 text (in its first ${bytes.toLocaleString('en')} bytes)`);
        throw error;
      }
      if (size > 0) shown.update(() => `Reading ${file}: ${Math.floor((bytes / size) * 100)}%`);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new CliError(code === 'ENOENT' ? 'there is no such file' : (error as Error).message);
    throw error;
  }
  reader.write(decoder.decode());
  reader.end();
  return reader.root;
}

function summary(report: ImportReport, name: string, dryRun: boolean): string {
  const lines = [`${dryRun ? 'Would import' : 'Imported'} ${plural(report.imported, 'comment')} into ${plural(report.threads, 'thread')} from ${name}.`];
  const details = (items: Outcome[], withReason: boolean) => {
    for (const item of items.slice(0, MAX_LISTED)) lines.push(`  ${item.where}${withReason ? `: ${item.reason}` : ''}`);
    if (items.length > MAX_LISTED) lines.push(`  … and ${(items.length - MAX_LISTED).toLocaleString('en')} more`);
  };
  const byReason = (items: Outcome[]) => {
    const reasons = new Map<string, number>();
    for (const item of items) reasons.set(item.reason, (reasons.get(item.reason) ?? 0) + 1);
    return [...reasons].map(([reason, n]) => `${reason} (${n.toLocaleString('en')})`).join('; ');
  };
  if (report.skipped.length > 0) lines.push(`Skipped ${report.skipped.length.toLocaleString('en')}: ${byReason(report.skipped)}.`);
  if (report.failed.length > 0) {
    lines.push(`Failed ${report.failed.length.toLocaleString('en')}: ${byReason(report.failed)}.`);
    details(report.failed, true);
  }
  if (report.reparented.length > 0) {
    const n = report.reparented.length;
    lines.push(`${plural(n, 'reply')} became top-level: ${n === 1 ? 'its parent is' : 'their parents are'} neither in the file nor in the database.`);
    details(report.reparented, false);
  }
  return lines.map((line) => `[colloquy] ${line}\n`).join('');
}
