/**
 * kill -9 recovery of the outbox, with real processes: workers are killed while messages are due
 * and while sends are in flight; after a restart every message is delivered, and only a message
 * whose send was in flight at the kill may arrive twice (the at-least-once edge docs/server.md
 * describes). On SQLite one worker at a time; on PostgreSQL two restarted instances side by side.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openPostgresStore, openSqliteStore, type CommentStore } from '../../src/server/store/index.js';
import { dropSchema, newSchemaName } from './postgres-schema.js';
import { killed, startWorker, waitUntil } from './worker-process.js';

const MESSAGES = 40;
const LEASE_MS = 1500;

const startChild = (env: Record<string, string>) => startWorker('test/server/outbox-child.ts', { ...env, OUTBOX_LEASE_MS: String(LEASE_MS) });

async function sentIds(store: CommentStore): Promise<Set<number>> {
  const { rows } = await store.listOutbox({ statuses: ['sent'], limit: 100, beforeId: null });
  return new Set(rows.filter((row) => row.kind === 'probe').map((row) => (row.payload as { n: number }).n));
}

async function killAndRecover(store: CommentStore, env: Record<string, string>, restarted: number): Promise<void> {
  const received: number[] = [];
  // Answers each delivery after 150 ms, so sends are in flight when the worker is killed.
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push((JSON.parse(body) as { n: number }).n);
      setTimeout(() => res.writeHead(204).end(), 150);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`;
  try {
    await store.write(async (tx) => {
      for (let n = 0; n < MESSAGES; n++) await tx.enqueue({ kind: 'probe', payload: { n }, dueAt: Date.now() });
    });
    const first = await startChild({ ...env, OUTBOX_RECEIVER: url });
    await waitUntil(() => received.length >= 12, 20_000, 'the first deliveries');
    await killed(first);
    const seenAtKill = new Set(received);
    const sentAtKill = await sentIds(store);
    const dueAtKill = MESSAGES - sentAtKill.size;
    assert.ok(dueAtKill > 0, 'messages were still due at the kill');
    assert.ok([...seenAtKill].some((n) => !sentAtKill.has(n)), 'a send was in flight at the kill');

    const again = await Promise.all(Array.from({ length: restarted }, () => startChild({ ...env, OUTBOX_RECEIVER: url })));
    try {
      await waitUntil(async () => (await sentIds(store)).size === MESSAGES, 30_000, 'every message sent after the restart');
    } finally {
      await Promise.all(again.map(killed));
    }
    const counts = new Map<number, number>();
    for (const n of received) counts.set(n, (counts.get(n) ?? 0) + 1);
    assert.equal(counts.size, MESSAGES, 'every message delivered');
    const twice = [...counts].filter(([, count]) => count > 1).map(([n]) => n);
    for (const n of twice) {
      assert.ok(seenAtKill.has(n) && !sentAtKill.has(n), `message ${n} arrived twice, but its send was not in flight at the kill`);
    }
    assert.ok([...counts.values()].every((count) => count <= 2), 'at most one repeat, for a send in flight');
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
}

describe('the outbox across kill -9', () => {
  it('on SQLite: a restarted worker sends every due message at once and takes over the sends in flight after their lease', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'colloquy-outbox-kill-'));
    const path = join(dir, 'colloquy.db');
    const store = await openSqliteStore(path);
    try {
      await killAndRecover(store, { OUTBOX_DB: path }, 1);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const url = process.env.COLLOQUY_TEST_DATABASE_URL;
  it('on PostgreSQL: two restarted instances share the work, none twice but a send in flight at the kill', { skip: url ? false : 'COLLOQUY_TEST_DATABASE_URL is not set' }, async () => {
    const schema = newSchemaName('outbox_kill');
    const store = await openPostgresStore(url!, { schema });
    try {
      await killAndRecover(store, { OUTBOX_DB: url!, OUTBOX_SCHEMA: schema }, 2);
    } finally {
      await store.close();
      await dropSchema(url!, schema);
    }
  });
});
