/**
 * The theory read-outs of the notes' reconstruction (§4.2–§4.6, all [derived], not the paper's own
 * statements): shrinkage factors s_j = μ_j/(μ_j + α), the label-averaging weights of the per-instance formula,
 * the 100 % condition and the minimum number of rounds τ*, and the PLL student's one-round condition.
 */
import {
  type BlockGramModel,
  blockGramSpectrum,
  classSpaceKernel,
  type EigenLevel,
  instanceCount,
  isBalanced,
  superclassOf,
} from './block-gram.ts';
import type { CorruptionStats } from './noise.ts';
import { effectiveRidge } from './solver.ts';

/** s = μ/(μ + α), the factor by which one round shrinks the label component along an eigenvector. */
export function shrinkage(mu: number, alpha: number): number {
  return mu / (mu + alpha);
}

/** The shrinkage factors of a block model at weight decay λ. */
export interface BlockShrinkage {
  /** α = K·N·λ. */
  readonly alpha: number;
  /** s_1: global direction (largest eigenvalue). */
  readonly sGlobal: number;
  /** s_sup: superclass directions (equals s_cls in the two-level model). */
  readonly sSuperclass: number;
  /** s_2: class directions. */
  readonly sClass: number;
  /** s_3: instance directions (μ = 1 − c). */
  readonly sInstance: number;
  /** s_2/s_3, the per-round gain of the class average over the own label (τ* formula). */
  readonly ratio: number;
  /** Every distinct eigenvalue with its level, multiplicity and factor. */
  readonly levels: readonly { level: EigenLevel; mu: number; multiplicity: number; s: number }[];
  /** True for equal class sizes, where the level factors are exact (§4.2); otherwise levels are by rank. */
  readonly exact: boolean;
}

/**
 * s_j for every eigen-level of G (notes §4.2): s1 = μ1/(μ1+α) (global), s2 (class), s3 (instance); with
 * superclasses also s_sup. For unequal class sizes the class-space eigenvalues spread out; then s_sup and
 * s_cls are those of the largest superclass- and class-rank eigenvalues and `exact` is false. O(K³).
 */
export function blockShrinkage(model: BlockGramModel, lambda: number): BlockShrinkage {
  const spectrum = blockGramSpectrum(model);
  const K = model.classSizes.length;
  const alpha = effectiveRidge(K, instanceCount(model), lambda);
  const levels = spectrum.levels.map((l) => ({ ...l, s: shrinkage(l.mu, alpha) }));
  const first = (level: EigenLevel) => levels.find((l) => l.level === level)?.s;
  const sInstance = shrinkage(spectrum.instanceEigenvalue, alpha);
  const sClass = first('class') ?? sInstance;
  const sSuperclass = first('superclass') ?? sClass;
  const sGlobal = first('global') ?? sSuperclass;
  return {
    alpha,
    sGlobal,
    sSuperclass,
    sClass,
    sInstance,
    ratio: sClass / sInstance,
    levels,
    exact: spectrum.levelsExact,
  };
}

/** The weights of the per-instance formula (notes §4.3); non-negative, summing to 1. */
export interface AveragingWeights {
  /** s3^τ on the instance's own given label. */
  readonly own: number;
  /** s2^τ − s3^τ on the average label of its class cluster π_b. */
  readonly class: number;
  /** s_sup^τ − s2^τ on the average label of its superclass (0 in the two-level model). */
  readonly superclass: number;
  /** s1^τ − s_sup^τ on the average label of the whole data set ȳ. */
  readonly global: number;
  /** 1 − s1^τ on the uniform vector 1/K. */
  readonly uniform: number;
}

/** The averaging weights of every round, one series per weight (index τ − 1). */
export type AveragingWeightsByRound = { readonly [K in keyof AveragingWeights]: number[] };

/** Turns one AveragingWeights per round into one series per weight (for results and stacked charts). */
export function weightsByRound(perRound: readonly AveragingWeights[]): AveragingWeightsByRound {
  return {
    own: perRound.map((w) => w.own),
    class: perRound.map((w) => w.class),
    superclass: perRound.map((w) => w.superclass),
    global: perRound.map((w) => w.global),
    uniform: perRound.map((w) => w.uniform),
  };
}

/**
 * The spectral filter of round τ in the linearised model (notes §4.1, with the §3.5 mixing extension):
 * P_τ − U = (Y − U)·f_τ(G) with f_1(μ) = s(μ) and f_τ = (ξ·f_{τ−1} + 1 − ξ)·s. For plain SD (ξ = 1),
 * f_τ = s^τ. O(τ).
 */
export function distillationFilter(s: number, round: number, mixing = 1): number {
  let f = s;
  for (let t = 2; t <= round; t++) f = (mixing * f + 1 - mixing) * s;
  return f;
}

/**
 * `labelAveragingWeights`: the notes' teaching formula (§4.3) for round τ (1 = teacher) in the linearised
 * block model with equal class sizes:
 * p_i = s3^τ·y_i + (s2^τ − s3^τ)·π_b + (s_sup^τ − s2^τ)·π_sup + (s1^τ − s_sup^τ)·ȳ + (1 − s1^τ)·1/K.
 * With mixing ξ ≠ 1 (extension) each s^τ becomes the filter f_τ of `distillationFilter`; the weights still
 * sum to 1 but may be negative (e.g. the own-label weight for ξ > 1/(1 − s3), Ex.8). O(τ).
 */
export function labelAveragingWeights(s: BlockShrinkage, round: number, mixing = 1): AveragingWeights {
  const own = distillationFilter(s.sInstance, round, mixing);
  const cls = distillationFilter(s.sClass, round, mixing);
  const sup = distillationFilter(s.sSuperclass, round, mixing);
  const all = distillationFilter(s.sGlobal, round, mixing);
  return { own, class: cls - own, superclass: sup - cls, global: all - sup, uniform: 1 - all };
}

/**
 * The per-instance formula evaluated for an instance of true class b with given label `label` (notes §4.3):
 * the convex combination of its own label, its class's mean label π_b, its superclass's mean label, the global
 * mean ȳ and uniform. Exact (to rounding) for the linearised solver with equal class sizes. O(K²).
 */
export function perInstanceOutput({
  model,
  weights,
  stats,
  trueClass,
  label,
}: {
  model: BlockGramModel;
  weights: AveragingWeights;
  stats: CorruptionStats;
  trueClass: number;
  label: number;
}): number[] {
  const K = model.classSizes.length;
  const sup = superclassOf(model, trueClass);
  const members = Array.from({ length: K }, (_, a) => a).filter((a) => superclassOf(model, a) === sup);
  const supSize = members.reduce((s, a) => s + model.classSizes[a]!, 0);
  return Array.from({ length: K }, (_, k) => {
    const supMean = members.reduce((s, a) => s + stats.pi[a * K + k]! * model.classSizes[a]!, 0) / supSize;
    return (
      weights.own * (k === label ? 1 : 0) +
      weights.class * stats.pi[trueClass * K + k]! +
      weights.superclass * supMean +
      weights.global * stats.labelShare[k]! +
      weights.uniform / K
    );
  });
}

/**
 * Exact averaging weights for any block model, including unequal class sizes ([derived] here, extending
 * §4.3): for an instance of class b, p_i = own·y_i + Σ_a Ω_ba·π_a + uniform_b·1/K, with own = s_inst^τ and
 * Ω_ba = n_a·Σ_j (s_j^τ − s_inst^τ) R_bj R_aj/√(n_a n_b) over the class-space eigenvectors R (s^τ → f_τ with
 * mixing). O(K³ + K·τ).
 */
export function classAveragingWeights(
  model: BlockGramModel,
  lambda: number,
  round: number,
  mixing = 1,
): { readonly own: number; readonly omega: number[][]; readonly uniform: number[] } {
  const K = model.classSizes.length;
  const alpha = effectiveRidge(K, instanceCount(model), lambda);
  const filter = (mu: number) => distillationFilter(shrinkage(mu, alpha), round, mixing);
  const { instanceFactor, phi } = classSpaceKernel(model, blockGramSpectrum(model), filter);
  const omega = Array.from({ length: K }, (_, b) =>
    Array.from({ length: K }, (_, a) => phi[b * K + a]! * model.classSizes[a]!),
  );
  const uniform = omega.map((row) => 1 - instanceFactor - row.reduce((s, v) => s + v, 0));
  return { own: instanceFactor, omega, uniform };
}

/**
 * τ* = ⌊ln(1 + 1/Δ) / ln(s2/s3)⌋ + 1 (notes §4.4): the first round (1 = teacher) at which a mislabelled
 * instance's class average outweighs its own label, (s2/s3)^τ > 1 + 1/Δ. `null` when Δ ≤ 0 (no plurality)
 * or s2/s3 ≤ 1 (never). O(1).
 */
export function minimumRounds(delta: number, ratio: number): number | null {
  if (!(delta > 0) || !(ratio > 1)) return null;
  return Math.floor(Math.log(1 + 1 / delta) / Math.log(ratio)) + 1;
}

/** The notes' prediction of SD's label recovery (§4.4). */
export interface RecoveryPrediction {
  /** π_bb > π_kb for every class b and every k ≠ b: the true label is the plurality in every class. */
  readonly pluralityHolds: boolean;
  /** Δ = min over (b, ℓ ≠ b present in class b) of π_bb − π_ℓb; 1 when no label is corrupted. */
  readonly delta: number;
  /** The (true class, given label) pair attaining Δ, or null without corrupted labels. */
  readonly worstPair: { readonly trueClass: number; readonly label: number } | null;
  /** s2/s3 (class over instance factor). */
  readonly ratio: number;
  /** τ* by the formula; null if SD never reaches 100 % by the condition. */
  readonly tauStar: number | null;
  /**
   * True when the formula's assumptions hold exactly: equal class sizes, a balanced label share ȳ (so the
   * global term cancels) and, with superclasses, balanced superclass label shares. Otherwise τ* is an
   * approximation and, with unequal sizes, later rounds can collapse (§4.5).
   */
  readonly exact: boolean;
  /** Plain-language statement of the assumptions, for results and lessons. */
  readonly note: string;
}

/**
 * Evaluates the 100 % condition and τ* for a labelling of a block model at weight decay λ (notes §4.4).
 * O(K³).
 */
export function predictRecovery(
  model: BlockGramModel,
  stats: CorruptionStats,
  lambda: number,
): RecoveryPrediction {
  const K = model.classSizes.length;
  const { ratio } = blockShrinkage(model, lambda);
  let plurality = true;
  let delta = 1;
  let worstPair: RecoveryPrediction['worstPair'] = null;
  for (let b = 0; b < K; b++) {
    const own = stats.pi[b * K + b]!;
    for (let l = 0; l < K; l++) {
      if (l === b) continue;
      const p = stats.pi[b * K + l]!;
      if (!(own > p)) plurality = false;
      if (p > 0 && own - p < delta) {
        delta = own - p;
        worstPair = { trueClass: b, label: l };
      }
    }
  }
  const balancedShare = stats.labelShare.every((v) => Math.abs(v - 1 / K) < 1e-12);
  const exact = isBalanced(model) && balancedShare;
  const tauStar = plurality ? minimumRounds(delta, ratio) : null;
  const note = exact
    ? 'τ* = ⌊ln(1 + 1/Δ)/ln(s2/s3)⌋ + 1 (notes §4.4, a reconstruction): exact for the linearised solver here (equal class sizes, balanced label shares).'
    : 'τ* = ⌊ln(1 + 1/Δ)/ln(s2/s3)⌋ + 1 (notes §4.4, a reconstruction) assumes equal class sizes and balanced label shares; they do not hold here, so τ* is approximate and later rounds can collapse to the majority label (§4.5).';
  return { pluralityHolds: plurality, delta, worstPair, ratio, tauStar, exact, note };
}

/**
 * The PLL student's one-round condition (notes §4.6): (i) the teacher's top two contain the true label of
 * every instance, and (ii) no wrong label is a candidate of every instance of a class (π̃_ℓb < ½).
 * `candidates` holds the two labels per column, `weights` the multiplicity of each column. O(C + K²).
 */
export function pllCondition({
  candidates,
  truth,
  weights,
  classes: K,
}: {
  candidates: Int32Array;
  truth: Int32Array;
  weights: Float64Array;
  classes: number;
}): {
  readonly trueLabelAlwaysCandidate: boolean;
  readonly sharedWrongCandidate: boolean;
  readonly holds: boolean;
} {
  const contains = new Float64Array(K * K);
  const size = new Float64Array(K);
  let always = true;
  for (let j = 0; j < truth.length; j++) {
    const b = truth[j]!;
    const c1 = candidates[2 * j]!;
    const c2 = candidates[2 * j + 1]!;
    if (c1 !== b && c2 !== b) always = false;
    size[b]! += weights[j]!;
    contains[b * K + c1]! += weights[j]!;
    contains[b * K + c2]! += weights[j]!;
  }
  let shared = false;
  for (let b = 0; b < K; b++) {
    for (let l = 0; l < K; l++)
      if (l !== b && size[b]! > 0 && contains[b * K + l]! >= size[b]! - 1e-9) shared = true;
  }
  return { trueLabelAlwaysCandidate: always, sharedWrongCandidate: shared, holds: always && !shared };
}
