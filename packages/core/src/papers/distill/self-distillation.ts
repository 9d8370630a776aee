/**
 * Multi-round self-distillation and the PLL student (notes §3.1, §3.5). Round 1 is the teacher, trained on the
 * given labels Y; round τ ≥ 2 trains a fresh student on T_{τ−1} = ξ·P_{τ−1} + (1 − ξ)·Y (ξ = 1 is the paper's
 * pure SD; ξ ≠ 1 is the Das & Sanghavi mixing extension, not in the paper). The PLL student trains once on
 * ½/½ targets over the teacher's top two classes.
 */
import type { GramOperator } from './gram.ts';
import { type FixedPointSolution, type RoundSolver, solvePartialLabelGce, trainRound } from './solver.ts';
import { argmaxWithTies, topTwoWithTies } from './ties.ts';

/** One trained round. */
export interface DistillationRound {
  /** τ, 1 = teacher. */
  readonly round: number;
  readonly solution: FixedPointSolution;
  /** Predicted class of every column (tie rule: within 1e−9 the lower index wins). */
  readonly predictions: Int32Array;
}

/** The PLL student's loss: CE on ½/½ targets (the theory) or GCE q = 0.7 from the teacher (official code). */
export type PllLoss = 'ce' | 'gce';

/** The PLL student: its candidate sets and its trained round. */
export interface PllStudent {
  readonly loss: PllLoss;
  /** The teacher's top two classes per column, descending (tie rule), as pairs [k1, k2]. */
  readonly candidates: Int32Array;
  readonly solution: FixedPointSolution;
  readonly predictions: Int32Array;
}

/** One-hot rows (C×K) of the given labels. */
export function oneHot(labels: Int32Array, K: number): Float64Array {
  const Y = new Float64Array(labels.length * K);
  labels.forEach((l, i) => {
    Y[i * K + l] = 1;
  });
  return Y;
}

/** Predicted class of every row of P (C×K) under the tie rule. O(C·K). */
export function predictClasses(outputs: Float64Array, K: number): Int32Array {
  const C = outputs.length / K;
  const out = new Int32Array(C);
  for (let i = 0; i < C; i++) out[i] = argmaxWithTies(outputs, K, i * K);
  return out;
}

/** What every round needs. */
export interface DistillationSetup {
  readonly op: GramOperator;
  readonly classes: number;
  /** Weight decay λ (the penalty (λ/2)‖W‖_F² on the mean loss). */
  readonly lambda: number;
  /** Given (possibly corrupted) label of every column of `op`. */
  readonly given: Int32Array;
  readonly solver: RoundSolver;
  /** ξ, the weight of the previous round's outputs in a student's target (1 = plain SD). */
  readonly mixing?: number;
  /** Exact solver tolerance and iteration cap. */
  readonly tolerance?: number;
  readonly maxIterations?: number;
  /** Linearised solver: verify each closed-form round against the fixed point (one extra Gram multiply). */
  readonly verify?: boolean;
}

/**
 * Yields rounds τ = 1..`rounds` of multi-round SD, each a full training to the fixed point. Lazy, so a caller
 * can report progress (and honour cancellation) between rounds. Cost: `rounds` trainings.
 */
export function* selfDistillationRounds(
  setup: DistillationSetup,
  rounds: number,
): Generator<DistillationRound> {
  const K = setup.classes;
  const Y = oneHot(setup.given, K);
  const xi = setup.mixing ?? 1;
  let targets = Y;
  for (let round = 1; round <= rounds; round++) {
    const solution = trainRound({ ...setup, targets });
    yield { round, solution, predictions: predictClasses(solution.outputs, K) };
    const P = solution.outputs;
    targets = new Float64Array(P.length);
    for (let i = 0; i < P.length; i++) targets[i] = xi * P[i]! + (1 - xi) * Y[i]!;
  }
}

/** All rounds at once (see `selfDistillationRounds`). */
export function runSelfDistillation(setup: DistillationSetup, rounds: number): DistillationRound[] {
  return [...selfDistillationRounds(setup, rounds)];
}

/**
 * The PLL student (notes §3.1, §4.6): targets t̃_i = ½e_{k1} + ½e_{k2} over the teacher's top two (tie rule),
 * one training. `ce` uses the round solver on these targets (the theory); `gce` runs the official code's
 * Generalized Cross Entropy (q = 0.7) from the teacher's weights.
 */
export function pllStudent(
  setup: DistillationSetup,
  teacher: FixedPointSolution,
  loss: PllLoss = 'ce',
  q = 0.7,
): PllStudent {
  const K = setup.classes;
  const C = teacher.outputs.length / K;
  const candidates = new Int32Array(2 * C);
  const targets = new Float64Array(C * K);
  for (let i = 0; i < C; i++) {
    const [k1, k2] = topTwoWithTies(teacher.outputs, K, i * K);
    candidates[2 * i] = k1;
    candidates[2 * i + 1] = k2;
    targets[i * K + k1] = 0.5;
    targets[i * K + k2] = 0.5;
  }
  const solution =
    loss === 'ce'
      ? trainRound({ ...setup, targets })
      : solvePartialLabelGce({
          op: setup.op,
          candidates: targets,
          classes: K,
          lambda: setup.lambda,
          q,
          init: teacher.dual,
        });
  return { loss, candidates, solution, predictions: predictClasses(solution.outputs, K) };
}

/** Accuracy against the true labels, in %, split by whether the given label was corrupted. */
export interface RecoveryAccuracy {
  /** All instances. */
  readonly overall: number;
  /** Instances whose given label is correct; null if there are none. */
  readonly clean: number | null;
  /** Instances whose given label is wrong; null if there are none. */
  readonly corrupted: number | null;
}

/**
 * Label recovery (notes §4.5: accuracy on the training set against the true labels), weighted by the
 * multiplicity of each column. O(C).
 */
export function recoveryAccuracy({
  predictions,
  truth,
  given,
  weights,
}: {
  predictions: Int32Array;
  truth: Int32Array;
  given: Int32Array;
  weights?: Float64Array;
}): RecoveryAccuracy {
  let all = 0;
  let allRight = 0;
  let clean = 0;
  let cleanRight = 0;
  for (let j = 0; j < truth.length; j++) {
    const w = weights?.[j] ?? 1;
    const right = predictions[j] === truth[j] ? w : 0;
    all += w;
    allRight += right;
    if (given[j] === truth[j]) {
      clean += w;
      cleanRight += right;
    }
  }
  const corrupted = all - clean;
  return {
    overall: (100 * allRight) / all,
    clean: clean > 0 ? (100 * cleanRight) / clean : null,
    corrupted: corrupted > 0 ? (100 * (allRight - cleanRight)) / corrupted : null,
  };
}

/** The first round (1-based) whose overall accuracy is 100 % (to 1e−9), or null. */
export function firstPerfectRound(accuracies: readonly number[]): number | null {
  const i = accuracies.findIndex((a) => a >= 100 - 1e-9);
  return i < 0 ? null : i + 1;
}
