// `npm run serve -w @paperlab/db`: hosts the embedded database in the foreground until Ctrl-C, so that web,
// bot and workers can come and go without one of them having to host it.
import { closeDatabase, getDatabase } from '../src/connection.ts';

const { url, embedded } = await getDatabase();
if (!embedded) {
  console.log(`The database is already served at ${url}; nothing to do.`);
  await closeDatabase();
} else {
  console.log(`Serving the embedded database at ${url} (Ctrl-C to stop).`);
  const stop = async () => {
    await closeDatabase();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
