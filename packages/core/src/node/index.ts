/** @paperlab/core/node — Node-only helpers: the worker pool and tfjs set-up. */

export { benchMachine, writeBenchResults } from './bench.ts';
export { type PoolRunOptions, runInWorker, WorkerPool } from './pool.ts';
export { initTfForNode, withProcessHandlerHygiene } from './tf.ts';
