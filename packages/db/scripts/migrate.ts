// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database.
import { closeDatabase, getDatabase } from '../src/connection.ts';
import { dbEnv } from '../src/env.ts';
import { migrate } from '../src/migrate.ts';

const { url } = await getDatabase();
// getDatabase() migrated already; run once more to report what is there.
const { applied, modified } = await migrate({ url });
const where = dbEnv.DATABASE_URL ? 'DATABASE_URL' : `the embedded database in ${dbEnv.PAPERLAB_DATA_DIR}`;
console.log(
  applied.length ? `Applied ${applied.join(', ')} to ${where}.` : `${where}: migrations are up to date.`,
);
for (const name of modified) console.warn(`Warning: migration ${name} was edited after it was applied.`);
await closeDatabase();
