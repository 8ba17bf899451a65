import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/server/store/index.js';
import { contractSuite } from './contract-suite.js';

contractSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'colloquy-contract-'));
  const store = await openSqliteStore(join(dir, 'colloquy.db'));
  const others: { close(): Promise<void> }[] = [];
  return {
    store,
    async another() {
      const other = await openSqliteStore(join(dir, 'colloquy.db'));
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
