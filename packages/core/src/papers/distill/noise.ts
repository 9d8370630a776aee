/**
 * Label corruption (notes §3.2, §5.2). A noise model gives the transition matrix T (row b: the distribution
 * of the given label of a class-b instance); a corruption rule turns it into given labels, either
 * deterministically (which instances flip is fixed by the rule — exact tests and lessons) or by seeded draws.
 */
import { createRng } from '../../math/rng.ts';

/** The label-noise models. */
export const NOISE_MODELS = [
  'symmetric',
  'asymmetric',
  'pairflip',
  'superclass',
  'pattern',
  'matrix',
] as const;
/** A label-noise model (see `transitionMatrix`). */
export type NoiseModel = (typeof NOISE_MODELS)[number];

/** The two corruption rules. */
export const CORRUPTION_RULES = ['deterministic', 'random'] as const;
/** Which instances a noise model corrupts: fixed by rule, or drawn with the seed (see `corruptLabels`). */
export type CorruptionRule = (typeof CORRUPTION_RULES)[number];

/** Everything that defines a noise model for K classes. */
export interface NoiseSpec {
  readonly model: NoiseModel;
  /** Noise rate η (ignored by `pattern` and `matrix`). */
  readonly rate: number;
  readonly classes: number;
  /** Number of superclasses S (for `superclass` noise). */
  readonly superclasses?: number;
  /** `pattern`: relative weights per offset j = 0..K−1 — class b gets label (b + j) mod K (j = 0 is clean). */
  readonly pattern?: readonly number[];
  /** `matrix`: a K×K row-stochastic matrix, row b = distribution of the given label of class b. */
  readonly matrix?: readonly (readonly number[])[];
}

/**
 * The K×K transition matrix T of a noise model (row b sums to 1). With m = K/S classes per superclass:
 * - symmetric: 1 − η on the diagonal, η/(K−1) elsewhere (`sym` of the official code);
 * - asymmetric: 1 − η, η/K to every other class plus η/K more to b+1 mod K (`asym` of the official code);
 * - pairflip: 1 − η, and η to the fixed confusable class b+1 mod K (the classic pair-flip noise);
 * - superclass: 1 − η, η/(m−1) to the other classes of b's superclass (`cc` of the official code);
 * - pattern: circulant, T_{b,(b+j) mod K} ∝ pattern_j (notes §5.2 "pattern noise", Ex.3);
 * - matrix: as given.
 * Throws an Error with a plain message when the spec is inconsistent. O(K²).
 */
export function transitionMatrix(spec: NoiseSpec): number[][] {
  const K = spec.classes;
  const eta = spec.rate;
  const T = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  switch (spec.model) {
    case 'symmetric':
      for (let b = 0; b < K; b++) for (let k = 0; k < K; k++) T[b]![k] = b === k ? 1 - eta : eta / (K - 1);
      break;
    case 'asymmetric':
      for (let b = 0; b < K; b++) {
        for (let k = 0; k < K; k++) T[b]![k] = b === k ? 1 - eta : eta / K;
        T[b]![(b + 1) % K]! += eta / K;
      }
      break;
    case 'pairflip':
      for (let b = 0; b < K; b++) {
        T[b]![b] = 1 - eta;
        T[b]![(b + 1) % K]! += eta;
      }
      break;
    case 'superclass': {
      const S = spec.superclasses ?? 1;
      const m = K / S;
      if (!Number.isInteger(m) || m < 2)
        throw new Error('superclass noise needs at least 2 classes per superclass');
      for (let b = 0; b < K; b++) {
        const s = Math.floor(b / m);
        for (let k = s * m; k < (s + 1) * m; k++) T[b]![k] = b === k ? 1 - eta : eta / (m - 1);
      }
      break;
    }
    case 'pattern': {
      const p = spec.pattern ?? [];
      if (p.length !== K)
        throw new Error(`the noise pattern needs one weight per offset j = 0..${K - 1}; got ${p.length}`);
      const total = p.reduce((s, v) => s + v, 0);
      if (!(total > 0) || p.some((v) => v < 0))
        throw new Error('the noise pattern weights must be ≥ 0 and not all 0');
      for (let b = 0; b < K; b++) for (let j = 0; j < K; j++) T[b]![(b + j) % K] = p[j]! / total;
      break;
    }
    case 'matrix': {
      const M = spec.matrix ?? [];
      if (M.length !== K || M.some((row) => row.length !== K))
        throw new Error(`the transition matrix must be ${K}×${K}`);
      M.forEach((row, b) => {
        const total = row.reduce((s, v) => s + v, 0);
        if (row.some((v) => v < 0) || Math.abs(total - 1) > 1e-6) {
          throw new Error(`row ${b} of the transition matrix must be ≥ 0 and sum to 1; it sums to ${total}`);
        }
        for (let k = 0; k < K; k++) T[b]![k] = row[k]! / total;
      });
      break;
    }
  }
  return T;
}

/**
 * Given labels from true labels (instances of each class in index order).
 *
 * Deterministic rule (notes §5.2): for symmetric noise, the first m_b = ⌊η·n_b + ½⌋ instances of class b are
 * relabelled round-robin to the other classes in increasing index order. For every other model, class b gets
 * m_bk = ⌊T_bk·n_b + ½⌋ instances labelled k, assigned to its first instances in offset order k = b+1, b+2, …
 * (mod K) and capped by the class size; the rest keep their label.
 *
 * Random rule (notes §3.2, the official `get_corrupted_target`): each instance's label is drawn from row T_b
 * with the seeded mulberry32 generator, one uniform per instance in index order.
 *
 * O(N·K).
 */
export function corruptLabels({
  trueLabels,
  noise,
  rule,
  seed,
}: {
  trueLabels: Int32Array;
  noise: NoiseSpec;
  rule: CorruptionRule;
  seed: number;
}): Int32Array {
  const K = noise.classes;
  const T = transitionMatrix(noise);
  const given = Int32Array.from(trueLabels);
  if (rule === 'random') {
    const rng = createRng(seed);
    for (let i = 0; i < given.length; i++) {
      const row = T[trueLabels[i]!]!;
      const u = rng.uniform();
      let acc = 0;
      let label = K - 1;
      for (let k = 0; k < K; k++) {
        acc += row[k]!;
        if (u < acc) {
          label = k;
          break;
        }
      }
      given[i] = label;
    }
    return given;
  }
  const members: number[][] = Array.from({ length: K }, () => []);
  trueLabels.forEach((b, i) => {
    members[b]!.push(i);
  });
  for (let b = 0; b < K; b++) {
    const idx = members[b]!;
    const n = idx.length;
    if (noise.model === 'symmetric') {
      const m = Math.min(n, Math.floor(noise.rate * n + 0.5));
      const others = Array.from({ length: K - 1 }, (_, j) => (j < b ? j : j + 1));
      for (let j = 0; j < m; j++) given[idx[j]!] = others[j % (K - 1)]!;
      continue;
    }
    let next = 0;
    for (let j = 1; j < K; j++) {
      const k = (b + j) % K;
      const m = Math.min(n - next, Math.floor(T[b]![k]! * n + 0.5));
      for (let r = 0; r < m; r++) given[idx[next++]!] = k;
    }
  }
  return given;
}

/** The empirical corruption structure of a labelling (notes §2.1). */
export interface CorruptionStats {
  /** π (K×K, row-major): π[b·K + k] = fraction of class-b instances labelled k. */
  readonly pi: Float64Array;
  /** ȳ: fraction of all instances labelled k. */
  readonly labelShare: Float64Array;
  /** Number of instances whose given label differs from the true one. */
  readonly corrupted: number;
  /** Fraction of corrupted instances. */
  readonly corruptedFraction: number;
}

/** Computes π, ȳ and the corrupted fraction from true and given labels. O(N + K²). */
export function corruptionStats(trueLabels: Int32Array, given: Int32Array, K: number): CorruptionStats {
  const counts = new Float64Array(K * K);
  const classSize = new Float64Array(K);
  const labelShare = new Float64Array(K);
  let corrupted = 0;
  for (let i = 0; i < trueLabels.length; i++) {
    const b = trueLabels[i]!;
    const l = given[i]!;
    counts[b * K + l]! += 1;
    classSize[b]! += 1;
    labelShare[l]! += 1;
    if (b !== l) corrupted++;
  }
  const N = trueLabels.length;
  const pi = new Float64Array(K * K);
  for (let b = 0; b < K; b++)
    for (let k = 0; k < K; k++) pi[b * K + k] = classSize[b]! > 0 ? counts[b * K + k]! / classSize[b]! : 0;
  for (let k = 0; k < K; k++) labelShare[k]! /= N;
  return { pi, labelShare, corrupted, corruptedFraction: corrupted / N };
}
