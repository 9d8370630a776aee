/**
 * Tier A of the notes (§5.2): an exact block Gram with corrupted labels, reduced to groups of interchangeable
 * instances so that every solver costs O(K³) per step whatever N is.
 */
import { type BlockGramModel, trueClasses } from './block-gram.ts';
import { blockGramOperator, type GramOperator, type InstanceGroups, interchangeableGroups } from './gram.ts';
import {
  type CorruptionRule,
  type CorruptionStats,
  corruptionStats,
  corruptLabels,
  type NoiseSpec,
} from './noise.ts';

/** A labelled block-model training set. */
export interface BlockProblem {
  readonly model: BlockGramModel;
  /** True class of every instance. */
  readonly truth: Int32Array;
  /** Given (possibly corrupted) label of every instance. */
  readonly given: Int32Array;
  /** Instances grouped by (true class, given label): the operator's columns. */
  readonly groups: InstanceGroups;
  /** G on the groups. */
  readonly op: GramOperator;
  readonly stats: CorruptionStats;
}

/** Corrupts the labels of a block model and builds its grouped Gram operator. O(N + K³). */
export function blockProblem({
  model,
  noise,
  rule,
  seed,
}: {
  model: BlockGramModel;
  noise: Omit<NoiseSpec, 'classes'>;
  rule: CorruptionRule;
  seed: number;
}): BlockProblem {
  const K = model.classSizes.length;
  const truth = trueClasses(model);
  const given = corruptLabels({ trueLabels: truth, noise: { ...noise, classes: K }, rule, seed });
  return withLabels(model, given);
}

/** A block problem for explicitly given labels (one per instance, in class order). O(N + K³). */
export function withLabels(model: BlockGramModel, given: Int32Array): BlockProblem {
  const truth = trueClasses(model);
  const groups = interchangeableGroups(model, given);
  const op = blockGramOperator(model, { columnClass: groups.groupClass, weights: groups.groupWeight });
  return { model, truth, given, groups, op, stats: corruptionStats(truth, given, model.classSizes.length) };
}

/** The K-vector of instance i in a grouped result (C×K rows). */
export function instanceVector(problem: BlockProblem, rows: Float64Array, i: number): number[] {
  const K = problem.model.classSizes.length;
  const g = problem.groups.groupOf[i]!;
  return Array.from(rows.subarray(g * K, (g + 1) * K));
}
