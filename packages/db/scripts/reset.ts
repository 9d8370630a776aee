// `npm run db:reset`: drops everything in the database (tables, enums, the job queue), migrates and seeds it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { closeDatabase, resolveDatabaseUrl } from '../src/connection.ts';
import { dbEnv } from '../src/env.ts';
import { migrate } from '../src/migrate.ts';

if (dbEnv.DATABASE_URL && dbEnv.NODE_ENV === 'production' && !process.argv.includes('--force')) {
  console.error(
    'Refusing to reset a production database (NODE_ENV=production); pass --force if you mean it.',
  );
  process.exit(1);
}

const { url, embedded } = await resolveDatabaseUrl();
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query('DROP SCHEMA IF EXISTS pgboss CASCADE');
await client.query('DROP SCHEMA public CASCADE');
await client.query('CREATE SCHEMA public');
await client.end();
const { applied } = await migrate({ url });
console.log(`Reset the database and applied ${applied.length} migration(s).`);

// Seed in a child process; asynchronously, since this process may be the one serving the embedded database.
const seedScript = fileURLToPath(new URL('../../../prisma/seed.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', seedScript], {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: url },
});
const status = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
await embedded?.stop();
await closeDatabase();
process.exit(status);
