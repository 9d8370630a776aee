/**
 * The experiment contract of architecture.md: one plain object per experiment, whose zod schema drives the
 * web sliders, the bot's slash options, the lab's URL state and submissions. Nothing restates a bound.
 */
import type { z } from 'zod';

/** The papers paperlab teaches. */
export type PaperId = 'stacking' | 'distill';

/** A Vega-Lite specification (kept structural so core does not pin vega-lite's types on consumers). */
export type VegaLiteSpec = { readonly $schema?: string } & Record<string, unknown>;

/** Numeric engine that produced a result: exact Float64 TypeScript or a tfjs backend. */
export type Backend = 'float64' | 'tfjs-wasm' | 'tfjs-cpu';

/** What the server, the bot and the worker pool allow one run of an experiment. */
export interface Limits {
  /** Wall-clock budget of one run, in milliseconds. */
  readonly maxMillis: number;
  /** Upper bound on `work(config)`, in the experiment's own cost units; checked at validation. */
  readonly maxWork: number;
  /** Memory budget of one run (tensor and array buffers), in MiB. */
  readonly memoryMb: number;
}

/** A progress report from a running experiment. */
export interface Progress {
  /** Fraction done, in [0, 1]. */
  readonly fraction: number;
  /** A short line for a progress bar ("stage 120 of 1000"). */
  readonly message: string;
  /** Bytes of tensor memory held, when the experiment uses tfjs (read by memory watchdogs). */
  readonly memoryBytes?: number;
}

/** What the host hands a run: progress sink, cancellation and (optionally) a way to yield. */
export interface RunContext {
  readonly onProgress?: (progress: Progress) => void;
  readonly signal?: AbortSignal;
  /**
   * Yields to the host's event loop (e.g. `() => new Promise(r => setTimeout(r))`), so that an abort or a
   * UI repaint can get through a long run. Core never schedules timers itself.
   */
  readonly yieldToHost?: () => Promise<void>;
  /** Preferred tfjs backend for neural experiments; falls back to `cpu` when `wasm` cannot load. */
  readonly tfBackend?: 'wasm' | 'cpu';
}

/** The control object a run receives: checkpoints, cancellation and the backend it reports. */
export interface RunControl {
  /**
   * Reports progress and honours cancellation: throws `PaperlabError('ABORTED')` if the signal fired, and
   * yields to the host at most every few tens of milliseconds. Call it between stages.
   */
  checkpoint(fraction: number, message: string, memoryBytes?: number): Promise<void>;
  /** Throws `PaperlabError('ABORTED')` if the run was cancelled. Cheap; safe in inner loops. */
  throwIfAborted(): void;
  /** The numeric backend actually used; neural experiments set it after loading tfjs. */
  backend: Backend;
  /** The tfjs backend the host prefers. */
  readonly tfBackend: 'wasm' | 'cpu';
}

/** The one number a leaderboard or a bot embed shows for a run. */
export interface Headline {
  readonly label: string;
  /** `null` when the target was not reached (scored as the cap by exercises). */
  readonly value: number | null;
  readonly unit?: string;
  readonly better: 'lower' | 'higher';
}

/** Where a result came from: enough to reproduce it. */
export interface Provenance {
  readonly experimentId: string;
  readonly schemaVersion: number;
  readonly seed: number | null;
  readonly backend: Backend;
  readonly durationMs: number;
  readonly coreVersion: string;
}

/** The stored output of one run: validated config, result, headline and provenance. */
export interface RunOutput<C = Record<string, unknown>, R = unknown> {
  readonly provenance: Provenance;
  readonly config: C;
  readonly headline: Headline;
  readonly result: R;
}

/** One experiment: the unit every surface (web, bot, worker, CLI) is built from. */
export interface Experiment<S extends z.ZodObject = z.ZodObject, R = unknown> {
  /** Public, stable id (URLs, slash commands and stored runs depend on it). */
  readonly id: string;
  readonly paper: PaperId;
  readonly title: string;
  /** One or two sentences for lists and embeds. */
  readonly summary: string;
  /** Bumped whenever the schema changes meaning; URL state and stored runs carry it. */
  readonly schemaVersion: number;
  /** The zod 4 schema: defaults, bounds, descriptions and display metadata (`.meta({ label, unit, scale })`). */
  readonly config: S;
  readonly limits: Limits;
  /** Cost of a config in the experiment's units (e.g. stages × d³); must not exceed `limits.maxWork`. */
  work(config: z.output<S>): number;
  /** The config fields that drive `work`, named in the error when a config is too costly. */
  readonly workFields: readonly string[];
  /**
   * Whether this config draws random numbers, i.e. whether its `seed` can change the result. When false,
   * scorers run it once for all of a board's seeds instead of repeating identical work. Default: true.
   */
  usesSeed?(config: z.output<S>): boolean;
  /** Runs the experiment; deterministic given the config (including its seed) and backend. */
  run(config: z.output<S>, control: RunControl): Promise<R>;
  /** Which way the headline number is better; leaderboards rank by it. */
  readonly better: Headline['better'];
  /** The headline number of a result (its direction is `better`). */
  headline(result: R, config: z.output<S>): Omit<Headline, 'better'>;
  /** A Vega-Lite chart of a result. */
  chart(result: R, config: z.output<S>): VegaLiteSpec;
}

/** The validated config type of an experiment. */
export type ConfigOf<E> = E extends Experiment<infer S, unknown> ? z.output<S> : never;
/** The result type of an experiment. */
export type ResultOf<E> = E extends Experiment<z.ZodObject, infer R> ? R : never;

/**
 * Declares an experiment with full type inference between its schema, `run`, `headline` and `chart`.
 */
export function defineExperiment<S extends z.ZodObject, R>(experiment: Experiment<S, R>): Experiment<S, R> {
  return experiment;
}
