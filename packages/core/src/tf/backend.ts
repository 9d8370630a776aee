/**
 * Loads @tensorflow/tfjs with the wasm backend (cpu as fallback) for the neural experiments. Lazy, so the
 * Float64 experiments never pay for tfjs. In Node, call `initTfForNode` from `@paperlab/core/node` first: the
 * wasm backend installs process handlers there that must be removed (see environment.md).
 */
import type * as TF from '@tensorflow/tfjs';
import type { Backend } from '../experiments/contract.ts';

export type Tf = typeof TF;

let loading: Promise<{ tf: Tf; backend: Backend }> | null = null;
let wasmPaths: string | null = null;

/** In a browser bundle, where the `.wasm` files are served (passed to tfjs-backend-wasm's `setWasmPaths`). */
export function setTfWasmPaths(prefix: string): void {
  wasmPaths = prefix;
}

/**
 * Loads tfjs once and selects a backend: `wasm` when preferred and it initialises, otherwise `cpu`. The
 * chosen backend is part of every neural result's provenance.
 */
export function loadTf(preferred: 'wasm' | 'cpu' = 'wasm'): Promise<{ tf: Tf; backend: Backend }> {
  loading ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    tf.enableProdMode();
    let backend: Backend = 'tfjs-cpu';
    if (preferred === 'wasm') {
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        if (wasmPaths) wasm.setWasmPaths(wasmPaths);
        if (await tf.setBackend('wasm')) backend = 'tfjs-wasm';
      } catch {
        backend = 'tfjs-cpu';
      }
    }
    if (backend === 'tfjs-cpu') await tf.setBackend('cpu');
    await tf.ready();
    return { tf, backend };
  })();
  return loading;
}
