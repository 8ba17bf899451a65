/**
 * `colloquy doctor`: checks a configuration without starting the server, and prints one line
 * per check: `✓` for what is fine, `✗` for what is wrong (exit code 1 when anything is),
 * `·` for a note (something that will happen at start, such as a secret being generated).
 *
 * It reads the environment exactly as the server does (the same {@link parseConfig}), then
 * looks at what the configuration names: the database (reachable, writable, its migrations),
 * the saved secret and admin token, the built widget, and the webhook's and Akismet's hosts
 * (a TCP connection only; nothing is sent). It writes nothing: no database file, no table,
 * no secret.
 */
import BetterSqlite3 from 'better-sqlite3';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { ConfigError, parseConfig, type ServerConfig } from '../server/config.js';
import { distDir } from '../server/package-files.js';
import { readKeyFile } from '../server/security/secret.js';
import { migrationNames } from '../server/store/migrations.js';
import nodemailer, { type TransportOptions } from 'nodemailer';

/** How long one network check (PostgreSQL, SMTP, the webhook's or Akismet's host) may take. */
export const DOCTOR_TIMEOUT_MS = 5000;

export interface DoctorOptions {
  /** Milliseconds each network check may take; {@link DOCTOR_TIMEOUT_MS} unless a test says otherwise. */
  timeoutMs?: number;
}

type Line = { kind: 'ok' | 'problem' | 'note'; text: string };

/** Runs every check, writes its lines to `out`, and resolves with the exit code: 0, or 1 if anything is wrong. */
export async function runDoctor(env: Record<string, string | undefined>, out: { write(text: string): unknown }, options: DoctorOptions = {}): Promise<number> {
  const lines: Line[] = [];
  const timeoutMs = options.timeoutMs ?? DOCTOR_TIMEOUT_MS;
  const { config, problems, bad } = readConfig(env);
  for (const text of problems) lines.push({ kind: 'problem', text });
  if (problems.length === 0) lines.push({ kind: 'ok', text: 'The environment variables are well-formed.' });
  if (config) {
    // What a bad variable names is not checked: the default standing in for it is not what was meant.
    if (!bad.has('DATABASE_URL')) {
      lines.push(...(config.database.engine === 'sqlite' ? checkSqlite(config.database.path) : await checkPostgres(config.database.url, timeoutMs)));
    }
    if (!bad.has('COLLOQUY_SECRET') && !bad.has('DATABASE_URL')) lines.push(...checkKey('COLLOQUY_SECRET', config.secret, config.secretPath));
    if (!bad.has('COLLOQUY_ADMIN_TOKEN') && !bad.has('DATABASE_URL')) lines.push(...checkKey('COLLOQUY_ADMIN_TOKEN', config.adminToken, config.adminTokenPath));
    if (config.webhook) lines.push(await checkReachable('COLLOQUY_WEBHOOK_URL', config.webhook.url, timeoutMs));
    if (config.spam.akismet) lines.push(await checkReachable('AKISMET_URL', config.spam.akismet.endpoint, timeoutMs));
    if (config.mail?.smtpUrl) lines.push(await checkSmtp(config.mail.smtpUrl, timeoutMs));
  } else {
    lines.push({ kind: 'note', text: 'The database and the secrets were not checked: fix the settings above first.' });
  }
  lines.push(checkWidget());
  const mark = { ok: '✓', problem: '✗', note: '·' };
  for (const line of lines) out.write(`[colloquy] ${mark[line.kind]} ${line.text}\n`);
  const count = lines.filter((line) => line.kind === 'problem').length;
  out.write(`[colloquy] ${count === 0 ? 'No problems found.' : `${count} ${count === 1 ? 'problem' : 'problems'} found.`}\n`);
  return count === 0 ? 0 : 1;
}

/**
 * Every bad variable, not only the first: the parser stops at one, so each one it names is
 * set aside and the rest parsed again. A variable that is missing rather than bad (the site
 * URL Akismet needs) sets aside the variables its message names instead.
 */
function readConfig(env: Record<string, string | undefined>): { config: ServerConfig | null; problems: string[]; bad: Set<string> } {
  const rest = { ...env };
  const problems: string[] = [];
  const bad = new Set<string>();
  for (let round = 0; round < 50; round++) {
    try {
      const config = parseConfig(rest);
      return { config, problems, bad };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
      bad.add(error.variable);
      if (rest[error.variable] !== undefined) delete rest[error.variable];
      else {
        const named = (error.message.match(/\b[A-Z][A-Z_]*[A-Z]\b/g) ?? []).filter((name) => rest[name] !== undefined);
        if (named.length === 0) break;
        for (const name of named) delete rest[name];
      }
    }
  }
  return { config: null, problems, bad };
}

function checkSqlite(path: string): Line[] {
  const folder = dirname(path);
  if (!existsSync(path)) {
    const existing = nearestExisting(folder);
    if (!statSync(existing).isDirectory()) return [{ kind: 'problem', text: `DATABASE_URL: the folder ${folder} cannot be created: ${existing} is a file.` }];
    if (!writable(existing)) return [{ kind: 'problem', text: `DATABASE_URL: the folder ${existing} is not writable, so ${path} cannot be created.` }];
    return [{ kind: 'note', text: `The SQLite database ${path} does not exist yet; the server creates it and runs every migration at start.` }];
  }
  if (!statSync(path).isFile()) return [{ kind: 'problem', text: `DATABASE_URL: ${path} is not a file.` }];
  // The WAL and shared-memory files go beside the database, so its folder must be writable too.
  if (!writable(folder)) return [{ kind: 'problem', text: `DATABASE_URL: the folder ${folder} is not writable (SQLite keeps its -wal file there).` }];
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(path, { fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    // Takes the write lock and lets it go: proves the file is writable without changing it.
    db.exec('BEGIN IMMEDIATE; ROLLBACK');
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'colloquy_migrations'").get() !== undefined;
    const applied = hasTable ? (db.prepare('SELECT name FROM colloquy_migrations').all() as { name: string }[]).map((row) => row.name) : [];
    return [{ kind: 'ok', text: `The SQLite database ${path} opens and is writable.` }, migrationLine(applied)];
  } catch (error) {
    return [{ kind: 'problem', text: `DATABASE_URL: ${path} cannot be used: ${(error as Error).message}.` }];
  } finally {
    db?.close();
  }
}

async function checkPostgres(url: string, timeoutMs: number): Promise<Line[]> {
  const where = redacted(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs });
  // A connection dropped mid-check is reported by the query that fails, not thrown here.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    return [{ kind: 'problem', text: `DATABASE_URL: cannot connect to PostgreSQL at ${where}: ${(error as Error).message || String(error)}.` }];
  }
  try {
    const { rows } = await client.query<{ readonly: boolean; schema: string | null; can_create: boolean | null; table: string | null }>(
      `select pg_is_in_recovery() as readonly, current_schema() as schema,
              case when current_schema() is null then null else has_schema_privilege(current_schema(), 'CREATE') end as can_create,
              to_regclass('colloquy_migrations')::text as table`,
    );
    const info = rows[0]!;
    if (info.readonly) return [{ kind: 'problem', text: `DATABASE_URL: the PostgreSQL server at ${where} is a read-only standby; point it at the primary.` }];
    if (info.schema === null) return [{ kind: 'problem', text: `DATABASE_URL: no schema on the search_path of ${where} exists.` }];
    let applied: string[] = [];
    if (info.table !== null) {
      applied = (await client.query<{ name: string }>('select name from colloquy_migrations')).rows.map((row) => row.name);
      const { rows: grants } = await client.query<{ ok: boolean }>(
        "select coalesce(has_table_privilege(to_regclass('comments'), 'INSERT, UPDATE, DELETE'), false) as ok",
      );
      if (!grants[0]!.ok) return [{ kind: 'problem', text: `DATABASE_URL: the user of ${where} may not write to the comments table.` }];
    } else if (!info.can_create) {
      return [{ kind: 'problem', text: `DATABASE_URL: the user of ${where} may not create tables in schema ${info.schema}, so the migrations cannot run.` }];
    }
    return [{ kind: 'ok', text: `PostgreSQL at ${where} is reachable and writable (schema ${info.schema}).` }, migrationLine(applied)];
  } catch (error) {
    return [{ kind: 'problem', text: `DATABASE_URL: PostgreSQL at ${where} answered with an error: ${(error as Error).message}.` }];
  } finally {
    await client.end().catch(() => undefined);
  }
}

function migrationLine(applied: string[]): Line {
  const known = migrationNames();
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    return { kind: 'problem', text: `The database has migrations this version does not know (${unknown.join(', ')}): a newer Colloquy has used it; upgrade before starting this one.` };
  }
  const pending = known.filter((name) => !applied.includes(name));
  if (pending.length === 0) return { kind: 'ok', text: `The database schema is up to date (${known.length} migrations).` };
  return { kind: 'note', text: `${pending.length} of ${known.length} migrations will run at the next start: ${pending.join(', ')}.` };
}

function checkKey(variable: string, value: string | null, path: string): Line[] {
  if (value !== null) return [{ kind: 'ok', text: `${variable} is set and long enough.` }];
  let saved: string | undefined;
  try {
    saved = readKeyFile(path, variable);
  } catch (error) {
    // Its folder is a file: the database's line already says so.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    return [{ kind: 'problem', text: error instanceof ConfigError ? error.message : `${variable}: ${path} cannot be read: ${(error as Error).message}.` }];
  }
  if (saved === undefined) return [{ kind: 'note', text: `${variable} is unset and ${path} does not exist yet; the server generates it at first start.` }];
  if ((statSync(path).mode & 0o077) !== 0) {
    return [{ kind: 'problem', text: `${variable}: ${path} can be read by other users; run chmod 600 ${path}.` }];
  }
  return [{ kind: 'ok', text: `${variable} is unset; the one saved in ${path} is used.` }];
}

/** A TCP connection to the URL's host and port, closed at once: no request is sent. */
function checkReachable(variable: string, url: string, timeoutMs: number): Promise<Line> {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  const portNumber = Number(port || (protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host, port: portNumber });
    const done = (line: Line) => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(timeoutMs, () => done({ kind: 'problem', text: `${variable}: ${host}:${portNumber} did not answer within ${timeoutMs / 1000} s.` }));
    socket.once('connect', () => done({ kind: 'ok', text: `${variable}: ${host}:${portNumber} is reachable.` }));
    socket.once('error', (error) => done({ kind: 'problem', text: `${variable}: cannot reach ${host}:${portNumber}: ${error.message}.` }));
  });
}

/** Connects, reads the greeting and signs in (when the URL has credentials), sending nothing. */
async function checkSmtp(url: string, timeoutMs: number): Promise<Line> {
  const where = new URL(url);
  const server = `${where.protocol}//${where.host}`;
  const transporter = nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as TransportOptions);
  try {
    await transporter.verify();
    return { kind: 'ok', text: `COLLOQUY_SMTP_URL: ${server} answers and accepts the sign-in.` };
  } catch (error) {
    // Never the password: nodemailer's messages name the host and the server's answer only.
    const reason = (error as Error).message.replaceAll(where.password, '…');
    return { kind: 'problem', text: `COLLOQUY_SMTP_URL: ${server} cannot be used: ${reason}.` };
  } finally {
    transporter.close();
  }
}

function checkWidget(): Line {
  const file = join(distDir(), 'colloquy.js');
  if (existsSync(file)) return { kind: 'ok', text: `The widget is built (${file}).` };
  return { kind: 'problem', text: `The widget is not built: ${file} is missing (run npm run build in a source checkout).` };
}

function nearestExisting(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The URL without its password, fit for a log line. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the configured server';
  }
}
