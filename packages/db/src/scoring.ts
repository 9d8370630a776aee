/**
 * Scoring a leaderboard submission: run the submitted config once per board seed, public and private, and
 * reduce each set to one number. Exercises (packages/core) will bring their own score functions; until one is
 * registered for a board's exercise, the experiment's own headline metric is the score.
 */
import { getExperiment, parseConfig, type RunOutput } from '@paperlab/core';

/** Runs one experiment config (in the worker pool, with the experiment's limits). */
export type RunExperiment = (experimentId: string, config: unknown) => Promise<RunOutput>;

export interface ScoreInput {
  readonly exerciseId: string;
  readonly experimentId: string;
  readonly config: unknown;
  readonly publicSeeds: readonly number[];
  readonly privateSeeds: readonly number[];
  readonly run: RunExperiment;
}

export interface ScoreOutput {
  /** null: no score (e.g. the target was never reached), ranked after every scored submission. */
  readonly publicScore: number | null;
  readonly privateScore: number | null;
  /** Stored with the submission for the student and the reviewer. Never shows private scores' seeds. */
  readonly metrics: Record<string, unknown>;
}

/** The score function of one exercise. */
export type ExerciseScorer = (input: ScoreInput) => Promise<ScoreOutput>;

/**
 * The hook for exercise score functions, by exercise id. packages/core's exercises register theirs here (or
 * the worker looks them up in core once exercises exist); boards of other exercises use `scoreByHeadline`.
 */
export const exerciseScorers = new Map<string, ExerciseScorer>();

/** The score function for a board's exercise. */
export const scorerFor = (
  exerciseId: string,
  overrides?: ReadonlyMap<string, ExerciseScorer>,
): ExerciseScorer => overrides?.get(exerciseId) ?? exerciseScorers.get(exerciseId) ?? scoreByHeadline;

/** The config with the board's seed in place of the student's, when the experiment takes a seed. */
export function withSeed(experimentId: string, config: unknown, seed: number): unknown {
  const shape = (getExperiment(experimentId).config as { shape?: Record<string, unknown> }).shape ?? {};
  if (!('seed' in shape) || config === null || typeof config !== 'object' || Array.isArray(config))
    return config;
  return { ...(config as Record<string, unknown>), seed };
}

const mean = (values: readonly (number | null)[]): number | null =>
  values.length === 0 || values.some((v) => v === null || !Number.isFinite(v))
    ? null
    : (values as number[]).reduce((a, b) => a + b, 0) / values.length;

/**
 * Whether the board's seeds can change this config's result: the experiment takes a seed and, for this
 * config, draws random numbers (`usesSeed`; e.g. stacking with zero or copy init is deterministic).
 */
export function seedMatters(experimentId: string, config: unknown): boolean {
  const experiment = getExperiment(experimentId);
  if (withSeed(experimentId, config, 0) === config) return false;
  return experiment.usesSeed?.(parseConfig(experiment, config)) ?? true;
}

/**
 * The default score: the experiment's headline value (`headline.better` says which way is better), averaged
 * over the seeds of each set. A config whose result cannot depend on the seed runs once and scores both sets
 * the same, instead of repeating identical work per seed.
 */
export const scoreByHeadline: ExerciseScorer = async ({
  experimentId,
  config,
  publicSeeds,
  privateSeeds,
  run,
}) => {
  const takesSeed = seedMatters(experimentId, config);
  const runSet = async (seeds: readonly number[]) => {
    const outputs: RunOutput[] = [];
    // One run at a time: the pool's other threads belong to other jobs.
    for (const seed of takesSeed ? seeds : seeds.slice(0, 1))
      outputs.push(await run(experimentId, withSeed(experimentId, config, seed)));
    return outputs;
  };
  const pub = await runSet(publicSeeds);
  const priv = takesSeed ? await runSet(privateSeeds) : pub;
  const headline = pub[0]?.headline;
  const values = (outs: RunOutput[]) => outs.map((o) => o.headline.value);
  return {
    publicScore: mean(values(pub)),
    privateScore: mean(values(priv)),
    metrics: {
      scorer: 'headline',
      label: headline?.label ?? null,
      unit: headline?.unit ?? null,
      better: headline?.better ?? null,
      publicRuns: pub.map((o) => ({
        seed: o.provenance.seed,
        value: o.headline.value,
        durationMs: o.provenance.durationMs,
      })),
      privateRuns: priv.length,
      coreVersion: headline ? pub[0]!.provenance.coreVersion : null,
      backend: pub[0]?.provenance.backend ?? null,
    },
  };
};
