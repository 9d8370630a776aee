/** The registry of every experiment, by public id. */
import { PaperlabError } from '../errors.ts';
import { agdQuadratic } from './agd-quadratic.ts';
import { boostingStacking } from './boosting-stacking.ts';
import type { Experiment, Limits, PaperId } from './contract.ts';
import { deepLinearStacking } from './deep-linear-stacking.ts';
import { distillExperiments } from './distill.ts';
import { residualMlpStacking } from './residual-mlp-stacking.ts';
import { stackingBetaSweep } from './stacking-beta-sweep.ts';
import { stackingKappaSweep } from './stacking-kappa-sweep.ts';
import { configJsonSchema } from './validate.ts';

/** All experiments, in the order lessons introduce them. */
export const experiments: readonly Experiment[] = [
  agdQuadratic,
  boostingStacking,
  deepLinearStacking,
  stackingKappaSweep,
  stackingBetaSweep,
  residualMlpStacking,
  ...distillExperiments,
];

const byId = new Map(experiments.map((e) => [e.id, e]));

/** The ids of all experiments. */
export const experimentIds = (): string[] => experiments.map((e) => e.id);

/** Looks an experiment up by id; throws UNKNOWN_EXPERIMENT listing the valid ids. */
export function getExperiment(id: string): Experiment {
  const e = byId.get(id);
  if (!e) {
    throw new PaperlabError(
      'UNKNOWN_EXPERIMENT',
      `Unknown experiment "${id}". Available experiments: ${experimentIds().join(', ')}`,
    );
  }
  return e;
}

/** A serialisable description of an experiment (for lists, the bot, and `paperlab list`). */
export interface ExperimentDescriptor {
  readonly id: string;
  readonly paper: PaperId;
  readonly title: string;
  readonly summary: string;
  readonly schemaVersion: number;
  /** Which way the headline number is better. */
  readonly better: 'lower' | 'higher';
  readonly limits: Limits;
  readonly jsonSchema: Record<string, unknown>;
}

/** Descriptors of every experiment, with each config schema as JSON Schema. */
export function describeExperiments(): ExperimentDescriptor[] {
  return experiments.map((e) => ({
    id: e.id,
    paper: e.paper,
    title: e.title,
    summary: e.summary,
    schemaVersion: e.schemaVersion,
    better: e.better,
    limits: e.limits,
    jsonSchema: configJsonSchema(e.config),
  }));
}
