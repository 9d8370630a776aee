/**
 * A queue consumer over pg-boss's fetch/complete/fail, for the worker's queues and the bot's `run-finished`.
 * pg-boss 10's own `work()` completes jobs without awaiting the result, so a database that goes away at that
 * moment becomes an unhandled rejection that takes the process down; this loop awaits every call, retries the
 * bookkeeping, and fetches the next job as soon as one finishes instead of after a polling interval.
 */
import type { Queue } from './queue.ts';

export interface ConsumerOptions<T> {
  boss: Queue;
  queue: string;
  /** Parallel slots (each handles one job at a time). */
  concurrency: number;
  pollingIntervalSeconds: number;
  /** Throwing fails the job into pg-boss's retry with backoff. */
  handle: (data: T) => Promise<void>;
  onError: (error: Error) => void;
}

export interface Consumer {
  /** Stops fetching, waits up to `timeoutMs` for running jobs, then hands the unfinished ones back for retry. */
  stop(timeoutMs: number): Promise<void>;
}

/** Waits `ms`, or less if `signal` aborts; removes its abort listener either way (the signal lives long). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export function consume<T extends object>(options: ConsumerOptions<T>): Consumer {
  const { boss, queue, handle, onError } = options;
  const stopping = new AbortController();
  const inFlight = new Set<string>();

  /** complete()/fail() with a few retries: the job is done, only the bookkeeping is left. */
  async function settle(what: string, call: () => Promise<unknown>) {
    for (let attempt = 0; ; attempt++) {
      try {
        await call();
        return;
      } catch (e) {
        if (attempt >= 5) {
          // Left active, the job expires and is retried; the row's attempt check stores the result once.
          onError(new Error(`${queue}: could not ${what}: ${(e as Error).message}`));
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }

  async function slot() {
    while (!stopping.signal.aborted) {
      const [job] = await boss.fetch<T>(queue, { batchSize: 1 }).catch(() => []);
      if (!job) {
        await sleep(options.pollingIntervalSeconds * 1000, stopping.signal);
        continue;
      }
      inFlight.add(job.id);
      try {
        await handle(job.data);
        await settle('complete a job', () => boss.complete(queue, job.id));
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        onError(new Error(`${queue} job ${job.id} failed, to be retried: ${message}`));
        await settle('fail a job', () => boss.fail(queue, job.id, { message }));
      } finally {
        inFlight.delete(job.id);
      }
    }
  }

  const slots = Array.from({ length: options.concurrency }, () => slot());

  return {
    async stop(timeoutMs) {
      stopping.abort();
      const drained = Promise.all(slots).then(() => true);
      const timedOut = new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref());
      if (!(await Promise.race([drained, timedOut])) && inFlight.size > 0) {
        for (const id of inFlight) {
          await settle('release an unfinished job', () =>
            boss.fail(queue, id, { message: 'The worker shut down before finishing.' }),
          );
        }
      }
    },
  };
}
