/**
 * @paperlab/core — the algorithms, experiments and chart specs of paperlab. Browser-safe: no Node built-ins,
 * no I/O, no timers. Node-only helpers (the worker pool) live in `@paperlab/core/node`.
 */
export * from './charts/index.ts';
export * from './errors.ts';
export * from './experiments/contract.ts';
export * from './experiments/fields.ts';
export * from './experiments/registry.ts';
export * from './experiments/run.ts';
export * from './experiments/validate.ts';
export * from './math/index.ts';
export * from './optim/index.ts';
export * as distill from './papers/distill/index.ts';
export * as stacking from './papers/stacking/index.ts';
export { CORE_VERSION } from './version.ts';
