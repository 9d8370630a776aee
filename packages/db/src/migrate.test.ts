import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { diffDatabaseToSchema, prismaMigrateDeploy, prismaMigrateStatus } from '../scripts/schema-engine.ts';
import { MIGRATIONS_DIR, migrate, readMigrations } from './migrate.ts';
import { createTestDatabase, type TestDatabase } from './testing/harness.ts';

const open: TestDatabase[] = [];
const scratch = async (migrated: boolean) => {
  const t = await createTestDatabase({ migrated });
  open.push(t);
  return t;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const query = async <T>(url: string, sql: string): Promise<T[]> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
};

describe('migrations', () => {
  it('leave a database that matches schema.prisma: Prisma’s schema engine finds nothing to change', async () => {
    const { url } = await scratch(true);
    expect(await diffDatabaseToSchema(url)).toBe('');
  });

  it('are needed: on an unmigrated database the engine wants to create every table', async () => {
    const { url } = await scratch(false);
    const sql = await diffDatabaseToSchema(url);
    for (const table of ['User', 'Submission', 'Leaderboard', 'ExperimentRun', 'AuditLog', 'RateLimit']) {
      expect(sql).toContain(`CREATE TABLE "${table}"`);
    }
  });

  it('are recorded in _prisma_migrations exactly as Prisma records them', async () => {
    const { url } = await scratch(false);
    const result = await migrate({ url });
    const files = readMigrations();
    expect(result.applied).toEqual(files.map((m) => m.name));
    const rows = await query<Record<string, unknown>>(
      url,
      'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows).toHaveLength(files.length);
    rows.forEach((row, i) => {
      const file = files[i]!;
      expect(row.migration_name).toBe(file.name);
      expect(row.checksum).toBe(
        createHash('sha256')
          .update(readFileSync(join(MIGRATIONS_DIR, file.name, 'migration.sql')))
          .digest('hex'),
      );
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    });
    // Prisma's own `migrate status` and `migrate deploy` agree: nothing edited, failed or pending.
    const status = await prismaMigrateStatus(url);
    expect(status).toMatchObject({
      hasMigrationsTable: true,
      history: null,
      editedMigrationNames: [],
      failedMigrationNames: [],
    });
    expect(await prismaMigrateDeploy(url)).toEqual([]);
    expect((await migrate({ url })).applied).toEqual([]);
  });

  it('accept a database that Prisma’s own `migrate deploy` migrated', async () => {
    const { url } = await scratch(false);
    expect(await prismaMigrateDeploy(url)).toEqual(readMigrations().map((m) => m.name));
    expect(await migrate({ url })).toEqual({ applied: [], modified: [] });
  });

  it('apply only what is pending, report edited files, and roll a failing migration back whole', async () => {
    const { url } = await scratch(false);
    const dir = mkdtempSync(join(tmpdir(), 'paperlab-migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      await migrate({ url, dir });
      const first = readMigrations(dir)[0]!;
      writeFileSync(join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited after it was applied\n`);
      mkdirSync(join(dir, '29990101000000_good'));
      writeFileSync(join(dir, '29990101000000_good', 'migration.sql'), 'CREATE TABLE "Good" (id int);');
      mkdirSync(join(dir, '29990101000001_bad'));
      writeFileSync(
        join(dir, '29990101000001_bad', 'migration.sql'),
        'CREATE TABLE "Bad" (id int);\nSELEKT 1;',
      );
      await expect(migrate({ url, dir })).rejects.toThrow(/29990101000001_bad failed, nothing was applied/);
      const tables = await query<{ table_name: string }>(
        url,
        `SELECT table_name FROM information_schema.tables WHERE table_name IN ('Good', 'Bad')`,
      );
      expect(tables).toEqual([]);
      rmSync(join(dir, '29990101000001_bad'), { recursive: true });
      expect(await migrate({ url, dir })).toEqual({
        applied: ['29990101000000_good'],
        modified: [first.name],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('apply each migration once when several processes start at the same moment', async () => {
    const { url } = await scratch(false);
    const results = await Promise.all([migrate({ url }), migrate({ url }), migrate({ url })]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(readMigrations().map((m) => m.name));
  });
});
