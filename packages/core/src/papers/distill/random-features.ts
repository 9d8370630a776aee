/**
 * Tier B of the notes (§5.3): random "block" features with a held-out test set. For an instance of class y,
 * x = [√d, √(c−d)·e_y, √((1−c)/p)·ξ] with ξ ∈ {±1}^p from the seeded generator, so ‖x‖ = 1 and
 * E⟨x_i, x_j⟩ = c within a class, d across classes — the block model plus instance-level fluctuations that let
 * memorised noisy labels hurt test points.
 */
import { type Matrix, matmulTransB, zeros } from '../../math/matrix.ts';
import { createRng } from '../../math/rng.ts';
import { argmaxWithTies } from './ties.ts';

/** A random-feature training and test set. */
export interface RandomFeatureData {
  /** Training features X (N×D), D = 1 + K + p, instances class by class. */
  readonly train: Matrix;
  readonly trainLabels: Int32Array;
  /** Test features (N_test×D) from the same generator. */
  readonly test: Matrix;
  readonly testLabels: Int32Array;
}

/**
 * Draws n training and `testPerClass` test instances per class (training first, class by class, then test),
 * one uniform per ±1 entry from mulberry32(seed) — no transcendental functions, so the data are identical in
 * every JS engine. O((N + N_test)·p).
 */
export function randomBlockFeatures({
  classes: K,
  perClass,
  testPerClass,
  c,
  d,
  p,
  seed,
}: {
  classes: number;
  perClass: number;
  testPerClass: number;
  c: number;
  d: number;
  p: number;
  seed: number;
}): RandomFeatureData {
  const rng = createRng(seed);
  const D = 1 + K + p;
  const draw = (count: number) => {
    const X = zeros(count * K, D);
    const labels = new Int32Array(count * K);
    const a = Math.sqrt(d);
    const b = Math.sqrt(c - d);
    const s = Math.sqrt((1 - c) / p);
    for (let y = 0; y < K; y++) {
      for (let r = 0; r < count; r++) {
        const i = y * count + r;
        const row = i * D;
        labels[i] = y;
        X.data[row] = a;
        X.data[row + 1 + y] = b;
        for (let j = 0; j < p; j++) X.data[row + 1 + K + j] = rng.uniform() < 0.5 ? -s : s;
      }
    }
    return { X, labels };
  };
  const train = draw(perClass);
  const test = draw(testPerClass);
  return { train: train.X, trainLabels: train.labels, test: test.X, testLabels: test.labels };
}

/** G = X·Xᵀ. O(N²·D). */
export function gramOfFeatures(X: Matrix): Matrix {
  return matmulTransB(X, X);
}

/**
 * Classes of new points from a trained round's dual A (N×K rows): the model is W = Aᵀ-weighted sum of the
 * training features, W_k = Σ_i A_ik x_i, and a point's logits are W x (= A·G_x of notes §4.1; the linearised
 * output 1/K + A·G_x/K has the same argmax). Tie rule applies. O(N·D·K + N_test·D·K).
 */
export function predictFromDual(dual: Float64Array, train: Matrix, points: Matrix, K: number): Int32Array {
  const N = train.rows;
  const D = train.cols;
  const X = train.data;
  const Xp = points.data;
  const W = new Float64Array(K * D);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < K; k++) {
      const a = dual[i * K + k]!;
      if (a === 0) continue;
      const w = k * D;
      const x = i * D;
      for (let j = 0; j < D; j++) W[w + j]! += a * X[x + j]!;
    }
  }
  const out = new Int32Array(points.rows);
  const z = new Float64Array(K);
  for (let t = 0; t < points.rows; t++) {
    const x = t * D;
    for (let k = 0; k < K; k++) {
      const w = k * D;
      let s = 0;
      for (let j = 0; j < D; j++) s += W[w + j]! * Xp[x + j]!;
      z[k] = s;
    }
    out[t] = argmaxWithTies(z, K);
  }
  return out;
}

/** Percentage of `predictions` equal to `labels`. O(n). */
export function accuracyPercent(predictions: Int32Array, labels: Int32Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) right++;
  return (100 * right) / labels.length;
}
