/** Runs an experiment from raw input: validate, run with checkpoints, attach headline and provenance. */
import { isPaperlabError, PaperlabError } from '../errors.ts';
import { CORE_VERSION } from '../version.ts';
import type { Experiment, RunContext, RunControl, RunOutput } from './contract.ts';
import { parseConfig } from './validate.ts';

/** How often a run yields to its host at most, in milliseconds of work between yields. */
const YIELD_EVERY_MS = 25;

/** Builds the control object a run receives from the host's context. */
export function createRunControl(ctx: RunContext = {}): RunControl {
  let lastYield = performance.now();
  const throwIfAborted = () => {
    if (ctx.signal?.aborted) throw new PaperlabError('ABORTED', 'The run was cancelled.');
  };
  return {
    backend: 'float64',
    tfBackend: ctx.tfBackend ?? 'wasm',
    throwIfAborted,
    async checkpoint(fraction, message, memoryBytes) {
      throwIfAborted();
      ctx.onProgress?.({ fraction: Math.min(1, Math.max(0, fraction)), message, memoryBytes });
      if (ctx.yieldToHost && performance.now() - lastYield >= YIELD_EVERY_MS) {
        await ctx.yieldToHost();
        lastYield = performance.now();
        throwIfAborted();
      }
    },
  };
}

/**
 * Validates `rawConfig` against the experiment's schema, runs it, and returns the result with its headline
 * and provenance. Errors are always `PaperlabError`s: INVALID_CONFIG, ABORTED, or FAILED (with the cause's
 * message) — never a raw exception.
 */
export async function runExperiment<E extends Experiment>(
  experiment: E,
  rawConfig: unknown,
  ctx: RunContext = {},
): Promise<RunOutput> {
  const config = parseConfig(experiment, rawConfig);
  const control = createRunControl(ctx);
  const started = performance.now();
  let result: unknown;
  try {
    control.throwIfAborted();
    result = await experiment.run(config, control);
  } catch (e) {
    if (isPaperlabError(e)) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new PaperlabError('FAILED', `${experiment.title} failed: ${message}`);
  }
  const durationMs = performance.now() - started;
  ctx.onProgress?.({ fraction: 1, message: 'done' });
  const seed =
    typeof (config as { seed?: unknown }).seed === 'number' ? (config as { seed: number }).seed : null;
  return {
    provenance: {
      experimentId: experiment.id,
      schemaVersion: experiment.schemaVersion,
      seed,
      backend: control.backend,
      durationMs: Math.round(durationMs * 1000) / 1000,
      coreVersion: CORE_VERSION,
    },
    config,
    headline: { ...experiment.headline(result, config), better: experiment.better },
    result,
  };
}
