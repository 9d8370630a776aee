/**
 * Scratch databases for tests: an in-memory (or temp-dir) PGlite served on loopback, or — in the `postgres`
 * vitest project — a fresh database on the PostgreSQL server named by PAPERLAB_TEST_PG_URL, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '../client.ts';
import { type EmbeddedServer, startEmbeddedServer } from '../embedded.ts';
import { dbEnv } from '../env.ts';
import { migrate } from '../migrate.ts';

export type TestBackend = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly backend: TestBackend;
  readonly url: string;
  readonly db: Db;
  /**
   * Takes the database away from every client and brings it back with its data: PGlite is closed and reopened
   * from disk on the same port; on PostgreSQL every session of the test database is terminated.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Apply the migrations (default true). */
  migrated?: boolean;
  /** PGlite only: keep the files in a temp dir rather than in memory (needed to restart it). */
  persistent?: boolean;
  /** Overrides the vitest project's backend (benchmarks measure both). */
  backend?: TestBackend;
}

export const testBackend = (): TestBackend => dbEnv.PAPERLAB_TEST_BACKEND;

export async function createTestDatabase({
  migrated = true,
  persistent = false,
  backend = testBackend(),
}: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const scratch = backend === 'pglite' ? await pgliteScratch(persistent) : await postgresScratch();
  if (migrated) await migrate({ url: scratch.url });
  const db = createDb({ url: scratch.url });
  return {
    backend,
    url: scratch.url,
    db,
    restart: scratch.restart,
    async close() {
      await db.$disconnect();
      await scratch.close();
    },
  };
}

interface Scratch {
  url: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function pgliteScratch(persistent: boolean): Promise<Scratch> {
  const dir = persistent ? mkdtempSync(join(tmpdir(), 'paperlab-pglite-')) : null;
  let server: EmbeddedServer = await startEmbeddedServer({ dataDir: dir ?? 'memory://' });
  const port = server.port;
  return {
    url: server.url,
    async restart() {
      if (!dir) throw new Error('restart() needs createTestDatabase({ persistent: true })');
      await server.stop();
      server = await startEmbeddedServer({ dataDir: dir, port });
    },
    async close() {
      await server.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresScratch(): Promise<Scratch> {
  const adminUrl = dbEnv.PAPERLAB_TEST_PG_URL;
  if (!adminUrl) throw new Error('The postgres test project needs PAPERLAB_TEST_PG_URL (see .ci/run).');
  const name = `paperlab_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async restart() {
      await admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
      );
    },
    async close() {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
