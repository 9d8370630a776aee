// Test fixture: a worker process whose experiments never finish, to be killed mid-job by the fault tests.
// Reads DATABASE_URL like the real worker; prints "claimed <id>" when it starts scoring a submission.
import { getDatabase, startQueue } from '@paperlab/db';
import { startWorker } from '../worker.ts';

const { db, url } = await getDatabase();
const boss = await startQueue({ url, onError: () => {} });
await startWorker({
  db,
  boss,
  concurrency: 1,
  pollingIntervalSeconds: 0.5,
  runner: { run: () => new Promise(() => {}) },
  log: (line) => console.log(line),
});
console.log('ready');
