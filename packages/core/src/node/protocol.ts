/** Messages between the pool (host) and its worker threads. */
import type { ErrorCode, FieldIssue } from '../errors.ts';
import type { Progress, RunOutput } from '../experiments/contract.ts';

export type HostMessage = {
  type: 'run';
  jobId: number;
  experimentId: string;
  config: unknown;
  tfBackend: 'wasm' | 'cpu';
};

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; jobId: number; progress: Progress }
  | { type: 'done'; jobId: number; output: RunOutput }
  | {
      type: 'error';
      jobId: number;
      error: { code: ErrorCode; message: string; issues: readonly FieldIssue[] };
    };
