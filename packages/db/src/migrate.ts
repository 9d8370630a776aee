/**
 * The migrations runner. Prisma's schema engine cannot be downloaded on paperlab's machines, so this applies
 * `prisma/migrations/<timestamp>_<name>/migration.sql` itself and records each one in Prisma's own
 * `_prisma_migrations` table (same columns, SHA-256 checksum of the file, one applied step), so that
 * `prisma migrate deploy` and `prisma migrate status` agree wherever Prisma's engine is available.
 *
 * Unlike Prisma, all pending migrations are applied in one transaction under Prisma's advisory lock: a failed
 * migration leaves the database exactly as it was, and concurrent start-ups apply each migration once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from './env.ts';

export const MIGRATIONS_DIR = join(REPO_ROOT, 'prisma', 'migrations');

/** The key Prisma Migrate takes with pg_advisory_lock on PostgreSQL. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  /** The folder name, e.g. `20261203140000_init`. */
  readonly name: string;
  readonly sql: string;
  /** SHA-256 (hex) of migration.sql, as Prisma computes it. */
  readonly checksum: string;
}

/** Reads the migration folders in order (their names start with a UTC timestamp). */
export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  readonly applied: string[];
  /** Applied migrations whose file changed since (Prisma warns about these too). */
  readonly modified: string[];
}

export interface MigrateOptions {
  url: string;
  dir?: string;
}

/** Applies every pending migration to the database at `url`. */
export async function migrate({ url, dir = MIGRATIONS_DIR }: MigrateOptions): Promise<MigrateResult> {
  const migrations = readMigrations(dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations"
       WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    const modified: string[] = [];
    for (const m of migrations) {
      const checksum = done.get(m.name);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) modified.push(m.name);
        continue;
      }
      const id = randomUUID();
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [id, m.checksum, m.name],
      );
      try {
        await client.query(m.sql);
      } catch (e) {
        throw new Error(`Migration ${m.name} failed, nothing was applied: ${(e as Error).message}`);
      }
      await client.query(
        `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
      applied.push(m.name);
    }
    await client.query('COMMIT');
    return { applied, modified };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}
