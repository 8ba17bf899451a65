/**
 * The work a new comment costs the database (issue 13, write speed): the statements its
 * transaction sends, seen where they leave for the database (better-sqlite3's statements,
 * the pg client's queries). Every round trip on PostgreSQL, and every statement on SQLite,
 * is paid by every post. Part of the contract suite: run against each engine from
 * contract-suite.ts.
 */
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { SuiteContext } from './contract-suite.js';
import { uniqueThread } from './helpers.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Records the SQL of every statement either driver runs while `recording` is on. */
class StatementLog {
  recording = false;
  readonly statements: string[] = [];
  private readonly restores: (() => void)[] = [];

  install(): void {
    const sqlite = new BetterSqlite3(':memory:');
    const statement = Object.getPrototypeOf(sqlite.prepare('select 1')) as Record<string, Method>;
    sqlite.close();
    for (const name of ['run', 'get', 'all', 'iterate']) {
      this.wrap(statement, name, (self) => (self as { source: string }).source);
    }
    this.wrap(pg.Client.prototype as unknown as Record<string, Method>, 'query', (_self, query) =>
      typeof query === 'string' ? query : (query as { text?: string } | undefined)?.text,
    );
  }

  uninstall(): void {
    for (const restore of this.restores.splice(0)) restore();
  }

  /** The statements between the first `begin` and the `commit` after it, lock-taking ones left out. */
  transaction(): string[] {
    const sql = this.statements.map((text) => text.trim().replace(/\s+/g, ' '));
    const begin = sql.findIndex((text) => /^begin\b/i.test(text));
    const commit = sql.findIndex((text, i) => i > begin && /^commit\b/i.test(text));
    assert.ok(begin >= 0 && commit > begin, `a post runs in one transaction:\n${sql.join('\n')}`);
    return sql.slice(begin + 1, commit).filter((text) => !/pg_advisory_xact_lock/.test(text));
  }

  private wrap(target: Record<string, Method>, name: string, sqlOf: (self: unknown, first: unknown) => string | undefined): void {
    const original = target[name]!;
    const log = this;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (log.recording) {
        const text = sqlOf(this, args[0]);
        if (text !== undefined) log.statements.push(text);
      }
      return original.apply(this, args);
    };
    this.restores.push(() => (target[name] = original));
  }
}

export function writePathContract(ctx: SuiteContext): void {
  describe('the write path (issue 13)', () => {
    const log = new StatementLog();
    before(() => log.install());
    after(() => log.uninstall());

    async function statementsOfPost(draft: Parameters<ReturnType<SuiteContext['server']>['post']>[0]): Promise<string[]> {
      const s = ctx.server({ moderation: 'first-time', floodSeconds: 15 });
      log.statements.length = 0;
      log.recording = true;
      try {
        assert.equal((await s.post(draft)).status, 201);
      } finally {
        log.recording = false;
      }
      return log.transaction();
    }

    it('checks a new comment with one statement: the brake, idempotency, flood, duplicate and first-time trust read together', async () => {
      const thread = uniqueThread();
      const statements = await statementsOfPost({ thread });
      const insert = statements.findIndex((text) => /^insert into "comments"/i.test(text));
      assert.ok(insert >= 0, `the comment is inserted in the transaction:\n${statements.join('\n')}`);
      assert.equal(insert, 1, `one statement of checks before the insert, not ${insert}:\n${statements.slice(0, insert).join('\n')}`);
    });

    it('checks a reply with one statement too, besides reading its parent', async () => {
      const s = ctx.server();
      const thread = uniqueThread();
      const root = (await s.post({ thread })).json.comment;
      const statements = await statementsOfPost({ thread, parentId: root.id });
      const insert = statements.findIndex((text) => /^insert into "comments"/i.test(text));
      assert.equal(insert, 2, `the parent and one statement of checks before the insert:\n${statements.slice(0, insert).join('\n')}`);
    });
  });
}
