/**
 * A pool of worker threads that run experiments with a wall-clock limit and a memory watchdog. A run that
 * overstays or overeats is stopped by terminating its thread (a busy thread cannot be interrupted
 * otherwise); the thread is replaced and the pool keeps serving.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PaperlabError } from '../errors.ts';
import type { Progress, RunOutput } from '../experiments/contract.ts';
import { getExperiment } from '../experiments/registry.ts';
import { parseConfig } from '../experiments/validate.ts';
import type { HostMessage, WorkerMessage } from './protocol.ts';

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
/** JS heap headroom of a worker on top of the run's memory budget (the loaded modules themselves). */
const HEAP_BASE_MB = 256;

/** Limits and hooks for one run in the pool. Unset limits default to the experiment's own `limits`. */
export interface PoolRunOptions {
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  readonly tfBackend?: 'wasm' | 'cpu';
}

interface Job {
  readonly id: number;
  readonly experimentId: string;
  readonly config: unknown;
  readonly options: PoolRunOptions;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly hint: string;
  /** Removes the listener that cancels the job while it waits in the queue. */
  leaveQueue(): void;
  resolve(output: RunOutput): void;
  reject(error: PaperlabError): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
  onAbort: (() => void) | null;
}

/** Runs experiments in `size` worker threads. */
export class WorkerPool {
  readonly size: number;
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor({ size = Math.max(1, availableParallelism() - 1) }: { size?: number } = {}) {
    this.size = Math.max(1, size);
  }

  /** Runs in the pool: workers busy, jobs waiting. */
  get stats(): { size: number; busy: number; queued: number } {
    return { size: this.size, busy: this.#slots.filter((s) => s.job).length, queued: this.#queue.length };
  }

  /**
   * Validates the config here (so a bad config never costs a thread), then runs the experiment in a worker.
   * Rejects with a PaperlabError: INVALID_CONFIG / UNKNOWN_EXPERIMENT before running; TIMEOUT, MEMORY or
   * FAILED (the experiment itself failed) after; ABORTED (the caller's signal) or INTERRUPTED (shutdown or
   * a crashed thread — see RETRYABLE_CODES) when the run was stopped from outside.
   */
  run(experimentId: string, rawConfig: unknown, options: PoolRunOptions = {}): Promise<RunOutput> {
    if (this.#closed)
      return Promise.reject(new PaperlabError('INTERRUPTED', 'The experiment runner is shutting down.'));
    let experiment: ReturnType<typeof getExperiment>;
    try {
      experiment = getExperiment(experimentId);
      parseConfig(experiment, rawConfig);
    } catch (e) {
      return Promise.reject(e);
    }
    if (options.signal?.aborted)
      return Promise.reject(new PaperlabError('ABORTED', 'The run was cancelled.'));
    return new Promise<RunOutput>((resolve, reject) => {
      const onQueuedAbort = () => {
        const i = this.#queue.indexOf(job);
        if (i >= 0) {
          this.#queue.splice(i, 1);
          reject(new PaperlabError('ABORTED', 'The run was cancelled.'));
        }
      };
      const job: Job = {
        id: this.#nextId++,
        experimentId,
        config: rawConfig,
        options,
        timeoutMs: options.timeoutMs ?? experiment.limits.maxMillis,
        memoryMb: options.memoryMb ?? experiment.limits.memoryMb,
        hint: experiment.workFields.join(', '),
        leaveQueue: () => options.signal?.removeEventListener('abort', onQueuedAbort),
        resolve,
        reject,
      };
      options.signal?.addEventListener('abort', onQueuedAbort, { once: true });
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Stops all threads; queued and running jobs reject with INTERRUPTED (retryable). */
  async close(): Promise<void> {
    this.#closed = true;
    const err = new PaperlabError('INTERRUPTED', 'The experiment runner shut down before the run finished.');
    for (const job of this.#queue.splice(0)) {
      job.leaveQueue();
      job.reject(err);
    }
    await Promise.all(
      this.#slots.map((slot) => {
        this.#fail(slot, err);
        return slot.worker.terminate();
      }),
    );
    this.#slots = [];
  }

  #spawn(memoryMb: number): Slot {
    const worker = new Worker(BOOT, {
      resourceLimits: { maxOldGenerationSizeMb: HEAP_BASE_MB + memoryMb, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, ready: Promise.resolve(), job: null, timer: null, onAbort: null };
    slot.ready = new Promise<void>((resolve) => {
      const onReady = (m: WorkerMessage) => {
        if (m.type === 'ready') {
          worker.off('message', onReady);
          resolve();
        }
      };
      worker.on('message', onReady);
    });
    worker.on('message', (m: WorkerMessage) => this.#onMessage(slot, m));
    worker.on('error', (e: Error & { code?: string }) => {
      const job = slot.job;
      if (!job) return;
      const memory = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.#fail(
        slot,
        memory
          ? this.#memoryError(job)
          : new PaperlabError('INTERRUPTED', `The run's thread crashed: ${e.message}`),
      );
    });
    worker.on('exit', () => {
      if (slot.job) this.#fail(slot, new PaperlabError('INTERRUPTED', 'The run stopped unexpectedly.'));
      this.#slots = this.#slots.filter((s) => s !== slot);
      this.#pump();
    });
    worker.unref();
    this.#slots.push(slot);
    return slot;
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      let slot = this.#slots.find((s) => !s.job);
      if (!slot) {
        if (this.#slots.length >= this.size) return;
        slot = this.#spawn(this.#queue[0]!.memoryMb);
      }
      this.#start(slot, this.#queue.shift()!);
    }
  }

  #start(slot: Slot, job: Job): void {
    job.leaveQueue();
    slot.job = job;
    slot.worker.ref();
    // The clock starts when the job is handed to a thread, so time spent queued is not charged.
    slot.timer = setTimeout(() => {
      const seconds = job.timeoutMs / 1000;
      this.#kill(
        slot,
        new PaperlabError(
          'TIMEOUT',
          `${job.experimentId} took longer than ${seconds} s, the limit for one run, and was stopped. Try a smaller config (${job.hint}).`,
        ),
      );
    }, job.timeoutMs);
    slot.onAbort = () => this.#kill(slot, new PaperlabError('ABORTED', 'The run was cancelled.'));
    job.options.signal?.addEventListener('abort', slot.onAbort, { once: true });
    const message: HostMessage = {
      type: 'run',
      jobId: job.id,
      experimentId: job.experimentId,
      config: job.config,
      tfBackend: job.options.tfBackend ?? 'wasm',
    };
    slot.ready.then(() => {
      if (slot.job === job) slot.worker.postMessage(message);
    });
  }

  #onMessage(slot: Slot, m: WorkerMessage): void {
    const job = slot.job;
    if (!job || m.type === 'ready' || m.jobId !== job.id) return;
    if (m.type === 'progress') {
      if (m.progress.memoryBytes !== undefined && m.progress.memoryBytes > job.memoryMb * 2 ** 20) {
        this.#kill(slot, this.#memoryError(job));
        return;
      }
      job.options.onProgress?.(m.progress);
    } else if (m.type === 'done') {
      this.#finish(slot, () => job.resolve(m.output));
      this.#pump();
    } else {
      this.#finish(slot, () => job.reject(PaperlabError.fromJSON(m.error)));
      this.#pump();
    }
  }

  #memoryError(job: Job): PaperlabError {
    return new PaperlabError(
      'MEMORY',
      `${job.experimentId} needed more than ${job.memoryMb} MiB of memory, the limit for one run, and was stopped. Try a smaller config (${job.hint}).`,
    );
  }

  #finish(slot: Slot, settle: () => void): void {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    if (job && slot.onAbort) job.options.signal?.removeEventListener('abort', slot.onAbort);
    slot.timer = null;
    slot.onAbort = null;
    slot.job = null;
    slot.worker.unref();
    settle();
  }

  #fail(slot: Slot, error: PaperlabError): void {
    const job = slot.job;
    if (!job) return;
    this.#finish(slot, () => job.reject(error));
  }

  /** Stops a busy thread (the only way to interrupt it), fails its job, and lets the pool spawn a new one. */
  #kill(slot: Slot, error: PaperlabError): void {
    this.#fail(slot, error);
    this.#slots = this.#slots.filter((s) => s !== slot);
    void slot.worker.terminate();
    this.#pump();
  }
}

let shared: WorkerPool | null = null;

/**
 * Runs one experiment in a worker thread of a shared, lazily created pool (one thread per spare core).
 * `timeoutMs` and `memoryMb` default to the experiment's limits. Errors: PaperlabError with code
 * INVALID_CONFIG, UNKNOWN_EXPERIMENT, TIMEOUT, MEMORY, FAILED, ABORTED or INTERRUPTED.
 */
export function runInWorker(
  experimentId: string,
  rawConfig: unknown,
  options: PoolRunOptions = {},
): Promise<RunOutput> {
  shared ??= new WorkerPool();
  return shared.run(experimentId, rawConfig, options);
}
