/**
 * The contract suite on PostgreSQL, in a fresh schema dropped afterwards. Needs
 * COLLOQUY_TEST_DATABASE_URL; without it the suite is skipped locally and fails in CI.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contractSuite } from './contract-suite.js';
import { openThrowawayStore } from './postgres-schema.js';

const url = process.env.COLLOQUY_TEST_DATABASE_URL;
const HOW_TO =
  'Set COLLOQUY_TEST_DATABASE_URL=postgresql://user@host:port/db to run the PostgreSQL contract suite (docs/server.md, "Testing against PostgreSQL").';

if (!url) {
  if (process.env.CI) {
    test('the HTTP contract on PostgreSQL', () => {
      assert.fail(`COLLOQUY_TEST_DATABASE_URL is not set, and CI must run the PostgreSQL suite. ${HOW_TO}`);
    });
  } else {
    test('the HTTP contract on PostgreSQL', { skip: `COLLOQUY_TEST_DATABASE_URL is not set. ${HOW_TO}` }, () => {});
  }
} else {
  contractSuite('PostgreSQL', () => openThrowawayStore(url, 'test'));
}
