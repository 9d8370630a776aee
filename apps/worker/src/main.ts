// `npm run worker`: one worker process. Run as many as you like, on one machine or many (same DATABASE_URL).
import { WorkerPool } from '@paperlab/core/node';
import { closeDatabase, getDatabase, startQueue } from '@paperlab/db';
import { parseWorkerEnv } from './env.ts';
import { type RunningWorker, startWorker } from './worker.ts';

const env = parseWorkerEnv();
const log = (line: string) => console.log(`[worker ${process.pid}] ${line}`);

const { db, url, embedded } = await getDatabase({ max: env.PAPERLAB_WORKER_CONCURRENCY * 2 + 2 });
const boss = await startQueue({
  url,
  supervise: true,
  maintenanceIntervalSeconds: env.PAPERLAB_WORKER_MAINTENANCE_SECONDS,
  max: env.PAPERLAB_WORKER_CONCURRENCY * 2 + 2,
  onError: (e) => log(`queue: ${e.message}`),
});
// Signals are handled from the start: a SIGTERM that arrives while jobs are being claimed still waits for them.
let stopping = false;
let starting: Promise<RunningWorker> | null = null;
const pool = new WorkerPool({ size: env.PAPERLAB_WORKER_CONCURRENCY });
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: finishing running jobs (up to ${env.PAPERLAB_WORKER_SHUTDOWN_SECONDS} s)`);
  try {
    const worker = await starting;
    if (worker) await worker.stop(env.PAPERLAB_WORKER_SHUTDOWN_SECONDS * 1000);
    else await boss.stop({ graceful: false, close: true });
    await pool.close();
    await closeDatabase();
    log('stopped');
    process.exit(0);
  } catch (e) {
    log(`shutdown failed: ${(e as Error).message}`);
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

starting = startWorker({
  db,
  boss,
  runner: pool,
  concurrency: env.PAPERLAB_WORKER_CONCURRENCY,
  pollingIntervalSeconds: env.PAPERLAB_WORKER_POLL_SECONDS,
  recoverySeconds: env.PAPERLAB_WORKER_RECOVERY_SECONDS,
  log,
});
await starting;
log(
  `ready: concurrency ${env.PAPERLAB_WORKER_CONCURRENCY}, ${embedded ? `hosting the embedded database at ${url}` : 'database connected'}`,
);
