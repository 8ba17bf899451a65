/**
 * Email across kill -9, with real processes and a real SMTP server: a worker is killed while
 * emails are due and while some are being sent (the sink answers each after 150 ms); after a
 * restart every email arrives, and only one whose send was in flight at the kill may arrive twice
 * (with the same Message-ID, so a mailbox can drop it): the at-least-once edge docs/server.md
 * ("Email", "Repeats") describes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EMAIL_KIND } from '../../src/server/integrations/mail/notifications.js';
import { openSqliteStore, type CommentStore } from '../../src/server/store/index.js';
import { SmtpSink } from './smtp-sink.js';
import { killed, startWorker, waitUntil } from './worker-process.js';

const MESSAGES = 30;
const LEASE_MS = 1500;

const startChild = (env: Record<string, string>) => startWorker('test/server/mail-child.ts', { ...env, MAIL_LEASE_MS: String(LEASE_MS) });

async function sentCount(store: CommentStore): Promise<number> {
  return (await store.outboxCounts()).sent;
}

describe('email across kill -9', () => {
  it('on SQLite with a real SMTP server: every email arrives after a restart, and only one in flight at the kill may arrive twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'colloquy-mail-kill-'));
    const path = join(dir, 'colloquy.db');
    const store = await openSqliteStore(path);
    const sink = await SmtpSink.start();
    sink.delayMs = 150;
    try {
      await store.write(async (tx) => {
        for (let n = 0; n < MESSAGES; n++) {
          await tx.enqueue({
            kind: EMAIL_KIND,
            payload: { to: `reader${n}@mail.example`, subject: `Message ${n}`, text: `Text ${n}`, html: `<p>Text ${n}</p>` },
            dueAt: Date.now(),
          });
        }
      });
      const env = { MAIL_DB: path, MAIL_SMTP: sink.url };
      const first = await startChild(env);
      await waitUntil(() => sink.messages.length >= 8, 20_000, 'the first emails');
      await killed(first);
      const arrivedAtKill = new Set(sink.messages.map((mail) => mail.subject));
      const sentAtKill = await sentCount(store);
      assert.ok(sentAtKill < MESSAGES, 'emails were still due at the kill');

      const again = await startChild(env);
      try {
        await waitUntil(async () => (await sentCount(store)) === MESSAGES, 30_000, 'every email sent after the restart');
      } finally {
        await killed(again);
      }
      const bySubject = new Map<string, { count: number; ids: Set<string> }>();
      for (const mail of sink.messages) {
        const entry = bySubject.get(mail.subject) ?? { count: 0, ids: new Set<string>() };
        entry.count++;
        entry.ids.add(mail.parsed.messageId ?? '');
        bySubject.set(mail.subject, entry);
      }
      assert.equal(bySubject.size, MESSAGES, 'every email arrived');
      for (const [subject, { count, ids }] of bySubject) {
        assert.ok(count <= 2, `${subject} arrived ${count} times`);
        if (count === 2) assert.ok(arrivedAtKill.has(subject), `${subject} arrived twice, but it was not being sent at the kill`);
        assert.equal(ids.size, 1, `${subject}: the same Message-ID on every try`);
      }
      assert.ok(sink.messages.every((mail) => mail.to.length === 1 && /^reader\d+@mail\.example$/.test(mail.to[0]!)));
    } finally {
      await sink.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
