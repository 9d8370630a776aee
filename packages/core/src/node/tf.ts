/** Node-side tfjs set-up: load the wasm backend, then remove the process handlers it installs. */
import { loadTf } from '../tf/backend.ts';

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Loads tfjs for Node with the preferred backend. The wasm backend's Emscripten runtime registers
 * `uncaughtException`/`unhandledRejection` handlers that rethrow and kill the process on any unrelated
 * rejection; they are removed here. Idempotent.
 */
export async function initTfForNode(preferred: 'wasm' | 'cpu' = 'wasm') {
  const before = new Map(EVENTS.map((e) => [e, new Set(process.listeners(e))]));
  const loaded = await loadTf(preferred);
  for (const e of EVENTS) {
    for (const l of process.listeners(e)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
  return loaded;
}
