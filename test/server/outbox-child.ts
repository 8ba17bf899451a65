/**
 * A server instance's outbox worker alone, in a process of its own, for outbox-kill.test.ts to
 * kill -9: opens the store named by OUTBOX_DB (a SQLite path, or a PostgreSQL URL with
 * OUTBOX_SCHEMA) and sends `probe` messages as POSTs of their payload to OUTBOX_RECEIVER.
 */
import { startOutboxWorker } from '../../src/server/outbox/worker.js';
import { openPostgresStore, openSqliteStore } from '../../src/server/store/index.js';

const db = process.env.OUTBOX_DB!;
const store = db.startsWith('postgres') ? await openPostgresStore(db, { schema: process.env.OUTBOX_SCHEMA }) : await openSqliteStore(db);
startOutboxWorker({
  store,
  senders: {
    probe: async (payload, { signal }) => {
      const response = await fetch(process.env.OUTBOX_RECEIVER!, { method: 'POST', body: JSON.stringify(payload), signal });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    },
  },
  leaseMs: Number(process.env.OUTBOX_LEASE_MS),
  pollMs: 20,
  log: (line) => console.error(line),
});
// The worker's timers are unref'd (a server's listening socket keeps its process alive); this
// process has no socket, so without this it would exit as soon as nothing was due right now.
setInterval(() => {}, 60_000);
console.log('ready');
