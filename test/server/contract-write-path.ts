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
import { TestServer, uniqueEmail, uniqueKey, uniqueThread } from './helpers.js';

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

/** A statement as the database's log would show it: one line, spaces collapsed. */
const oneLine = (text: string) => text.trim().replace(/\s+/g, ' ');
/** The comment's insert: on PostgreSQL the head of a statement that also moves the thread's counters. */
const INSERT = /^(with "?c"? as \()?insert into "comments"/i;

export function writePathContract(ctx: SuiteContext): void {
  describe('the write path (issue 13)', () => {
    const log = new StatementLog();
    before(() => log.install());
    after(() => log.uninstall());

    /** Every statement a post sends, in order: the reads before its transaction, the transaction, and anything after. */
    async function allStatementsOfPost(draft: Parameters<ReturnType<SuiteContext['server']>['post']>[0]): Promise<string[]> {
      const s = ctx.server({ moderation: 'first-time', floodSeconds: 15 });
      log.statements.length = 0;
      log.recording = true;
      try {
        assert.equal((await s.post(draft)).status, 201);
      } finally {
        log.recording = false;
      }
      return log.statements.map(oneLine);
    }

    async function statementsOfPost(draft: Parameters<ReturnType<SuiteContext['server']>['post']>[0]): Promise<string[]> {
      await allStatementsOfPost(draft);
      return log.transaction();
    }

    it('checks a new comment with one statement: the brake, idempotency, flood, duplicate and first-time trust read together', async () => {
      const thread = uniqueThread();
      const statements = await statementsOfPost({ thread });
      const insert = statements.findIndex((text) => INSERT.test(text));
      assert.ok(insert >= 0, `the comment is inserted in the transaction:\n${statements.join('\n')}`);
      assert.equal(insert, 1, `one statement of checks before the insert, not ${insert}:\n${statements.slice(0, insert).join('\n')}`);
    });

    it('checks a reply with one statement too, besides reading its parent', async () => {
      const s = ctx.server();
      const thread = uniqueThread();
      const root = (await s.post({ thread })).json.comment;
      const statements = await statementsOfPost({ thread, parentId: root.id });
      const insert = statements.findIndex((text) => INSERT.test(text));
      assert.equal(insert, 2, `the parent and one statement of checks before the insert:\n${statements.slice(0, insert).join('\n')}`);
    });

    // PostgreSQL: one read (closing and bans), begin with the locks, the checks, the insert with
    // the thread's counters and live event, commit: 5 round trips (8 before). SQLite, in process:
    // the read, begin, the checks, the insert, the counters, commit: 6 statements (7 before).
    it('reads the thread and the bans in one statement, and on PostgreSQL sends a top-level post in 5 round trips (6 statements on SQLite)', async () => {
      const postgres = ctx.store().engine === 'postgres';
      const statements = await allStatementsOfPost({ thread: uniqueThread() });
      const shown = statements.join('\n');
      const begin = statements.findIndex((text) => /^begin\b/i.test(text));
      assert.equal(begin, 1, `one read before the transaction (the thread's closing and the bans together):\n${shown}`);
      assert.match(statements[0]!, /thread_stats/, shown);
      assert.match(statements[0]!, /bans/, shown);
      if (postgres) {
        assert.match(statements[begin]!, /^begin; select pg_advisory_xact_lock/i, `the locks in begin's round trip:\n${shown}`);
        assert.ok(!statements.some((text, i) => i !== begin && /pg_advisory_xact_lock/.test(text)), `no other round trip takes a lock:\n${shown}`);
        const insert = statements.findIndex((text) => INSERT.test(text));
        assert.match(statements[insert]!, /insert into thread_stats/i, `the insert moves the thread's counters in the same statement:\n${shown}`);
      }
      assert.equal(statements.length, postgres ? 5 : 6, `round trips of a top-level post:\n${shown}`);
    });

    it('sends a reply in 6 round trips on PostgreSQL (7 statements on SQLite): the parent besides', async () => {
      const postgres = ctx.store().engine === 'postgres';
      const thread = uniqueThread();
      const root = (await ctx.server().post({ thread })).json.comment;
      const statements = await allStatementsOfPost({ thread, parentId: root.id });
      assert.equal(statements.length, postgres ? 6 : 7, `round trips of a reply:\n${statements.join('\n')}`);
    });

    it('still lets one post of a poster through when many arrive at once through two instances, and one comment per key', async () => {
      const two = [ctx.server({ floodSeconds: 15 }), new TestServer(await ctx.another(), { floodSeconds: 15 })];
      const thread = uniqueThread();
      const email = uniqueEmail();
      const flood = await Promise.all(
        Array.from({ length: 8 }, (_, i) => two[i % 2]!.post({ thread, body: `At once ${i}.`, author: { name: 'Ada', email } })),
      );
      assert.deepEqual(flood.map((reply) => reply.status).sort(), [201, 429, 429, 429, 429, 429, 429, 429], 'flood control across instances');
      const idempotencyKey = uniqueKey();
      const second = uniqueEmail();
      const retries = await Promise.all(
        Array.from({ length: 6 }, (_, i) => two[i % 2]!.post({ thread, idempotencyKey, author: { name: 'Ada', email: second } })),
      );
      assert.deepEqual(retries.map((reply) => reply.status), [201, 201, 201, 201, 201, 201], retries.map((reply) => reply.text).join('\n'));
      assert.equal(new Set(retries.map((reply) => reply.json.comment.id)).size, 1, 'one comment for one key');
    });
  });
}
