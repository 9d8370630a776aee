/** Node-side tfjs hygiene: the wasm backend installs process handlers that must not outlive its loading. */
import { loadTf } from '../tf/backend.ts';

type Listener = (...args: unknown[]) => void;
const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
const listeners = (event: (typeof EVENTS)[number]) =>
  (event === 'uncaughtException'
    ? process.listeners('uncaughtException')
    : process.listeners('unhandledRejection')) as Listener[];
const snapshot = () => new Map(EVENTS.map((e) => [e, new Set(listeners(e))]));

/**
 * Runs `fn`, then removes any `uncaughtException`/`unhandledRejection` handlers it left behind. The
 * Emscripten runtime of tfjs-backend-wasm registers handlers that rethrow and kill the process on any
 * unrelated rejection (environment.md); every Node host of core runs experiments inside this.
 */
export async function withProcessHandlerHygiene<T>(fn: () => Promise<T>): Promise<T> {
  const before = snapshot();
  try {
    return await fn();
  } finally {
    for (const event of EVENTS) {
      for (const l of listeners(event)) if (!before.get(event)!.has(l)) process.removeListener(event, l);
    }
  }
}

/** Loads tfjs with the preferred backend (wasm, cpu fallback) and removes the handlers it installs. */
export function initTfForNode(preferred: 'wasm' | 'cpu' = 'wasm') {
  return withProcessHandlerHygiene(() => loadTf(preferred));
}
