// The only place @paperlab/db reads environment variables.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root (packages/db/src → ../../..). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

const ZPostgresUrl = z
  .string()
  .trim()
  .regex(
    /^postgres(ql)?:\/\//,
    'must be a postgresql:// URL, e.g. postgresql://user:pass@host:5432/paperlab',
  );

const ZPort = z.coerce.number().int().min(0).max(65_535);

const ZDbEnv = z.object({
  /** `production` makes destructive scripts (db:reset) refuse without --force. */
  NODE_ENV: z.string().default('development'),
  /** A PostgreSQL server. Unset: the embedded PGlite database under PAPERLAB_DATA_DIR. */
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), ZPostgresUrl.optional()),
  /** Where the embedded database keeps its files and its address file. */
  PAPERLAB_DATA_DIR: z.string().min(1).default(resolve(REPO_ROOT, '.data')),
  /** Loopback port of the embedded database; 0 picks a free one (written to the address file). */
  PAPERLAB_DB_PORT: ZPort.default(0),
  /** Test suites only: a PostgreSQL server on which each test file gets a fresh database. */
  PAPERLAB_TEST_PG_URL: z.preprocess((v) => (v === '' ? undefined : v), ZPostgresUrl.optional()),
  /** Test suites only: which backend this vitest project runs on (`pglite` or `postgres`). */
  PAPERLAB_TEST_BACKEND: z.enum(['pglite', 'postgres']).default('pglite'),
});

export type TDbEnv = z.infer<typeof ZDbEnv>;

/** Parses the database variables; throws one message naming every bad variable. */
export function parseDbEnv(source: Record<string, string | undefined> = process.env): TDbEnv {
  const parsed = ZDbEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid database environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export const dbEnv: TDbEnv = parseDbEnv();
