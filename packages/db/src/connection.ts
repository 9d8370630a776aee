// The process-wide database: DATABASE_URL or the embedded PGlite, migrated once, one Prisma pool per process.
import { type CreateDbOptions, createDb, type Db } from './client.ts';
import { type EmbeddedServer, ensureEmbeddedDatabase } from './embedded.ts';
import { dbEnv } from './env.ts';
import { migrate } from './migrate.ts';

export interface DatabaseHandle {
  readonly url: string;
  readonly db: Db;
  /** This process hosts the embedded database; `closeDatabase()` stops it. */
  readonly embedded: EmbeddedServer | null;
}

const GLOBAL_KEY = Symbol.for('paperlab.db');
type Holder = { [GLOBAL_KEY]?: Promise<DatabaseHandle> };
// Remembered on globalThis so that dev-server reloads reuse one pool instead of opening another.
const holder = globalThis as Holder;

/**
 * The database URL: DATABASE_URL when set, otherwise the embedded database (found running, or started and
 * hosted by this process).
 */
export async function resolveDatabaseUrl(): Promise<{ url: string; embedded: EmbeddedServer | null }> {
  if (dbEnv.DATABASE_URL) return { url: dbEnv.DATABASE_URL, embedded: null };
  const { url, server } = await ensureEmbeddedDatabase({
    dataRoot: dbEnv.PAPERLAB_DATA_DIR,
    port: dbEnv.PAPERLAB_DB_PORT,
  });
  return { url, embedded: server };
}

/**
 * The process's database, connected and migrated on first use. Web, bot and worker call this; tests build
 * their own with `createDb` on a scratch database.
 */
export function getDatabase(options: Omit<CreateDbOptions, 'url'> = {}): Promise<DatabaseHandle> {
  holder[GLOBAL_KEY] ??= (async () => {
    const { url, embedded } = await resolveDatabaseUrl();
    await migrate({ url });
    return { url, db: createDb({ url, ...options }), embedded };
  })().catch((e) => {
    delete holder[GLOBAL_KEY];
    throw e;
  });
  return holder[GLOBAL_KEY];
}

/** Closes the process's pool and, if this process hosts the embedded database, stops it. */
export async function closeDatabase(): Promise<void> {
  const pending = holder[GLOBAL_KEY];
  if (!pending) return;
  delete holder[GLOBAL_KEY];
  const handle = await pending.catch(() => null);
  if (!handle) return;
  await handle.db.$disconnect();
  await handle.embedded?.stop();
}
