// The only place the worker reads environment variables (DATABASE_URL is @paperlab/db's).
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const ZWorkerEnv = z.object({
  /** Experiments run at once by this process (one worker thread each); default: cores − 1. */
  PAPERLAB_WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(Math.max(1, availableParallelism() - 1)),
  /** How often an idle worker polls each queue. */
  PAPERLAB_WORKER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  /** How often expired jobs (their worker died) are turned into retries. */
  PAPERLAB_WORKER_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often rows left QUEUED or RUNNING without a job are re-enqueued (and how old they must be). */
  PAPERLAB_WORKER_RECOVERY_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** How long SIGTERM waits for running jobs before leaving them to be retried elsewhere. */
  PAPERLAB_WORKER_SHUTDOWN_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});

export type TWorkerEnv = z.infer<typeof ZWorkerEnv>;

export function parseWorkerEnv(source: Record<string, string | undefined> = process.env): TWorkerEnv {
  const parsed = ZWorkerEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid worker environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
