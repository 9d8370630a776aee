/** The worker-thread side of the pool: runs one experiment at a time and reports progress and results. */
import { parentPort } from 'node:worker_threads';
import { isPaperlabError } from '../errors.ts';
import { getExperiment } from '../experiments/registry.ts';
import { runExperiment } from '../experiments/run.ts';
import type { HostMessage, WorkerMessage } from './protocol.ts';
import { withProcessHandlerHygiene } from './tf.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const send = (m: WorkerMessage) => port.postMessage(m);

port.on('message', async (m: HostMessage) => {
  if (m.type !== 'run') return;
  try {
    const output = await withProcessHandlerHygiene(() =>
      runExperiment(getExperiment(m.experimentId), m.config, {
        tfBackend: m.tfBackend,
        onProgress: (progress) => send({ type: 'progress', jobId: m.jobId, progress }),
        yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
      }),
    );
    send({ type: 'done', jobId: m.jobId, output });
  } catch (e) {
    const error = isPaperlabError(e)
      ? e.toJSON()
      : { code: 'FAILED' as const, message: e instanceof Error ? e.message : String(e), issues: [] };
    send({ type: 'error', jobId: m.jobId, error });
  }
});
send({ type: 'ready' });
