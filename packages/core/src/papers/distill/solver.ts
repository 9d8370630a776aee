/**
 * One training of weight-decayed linear softmax regression, in kernel form (notes §3.3, §3.4, §4.1). The
 * optimum of L(W) = (1/N) Σ_i CE(t_i, softmax(W x_i)) + (λ/2)‖W‖_F² is W* = A·X with A = (T − P)/(Nλ), where
 * the training outputs P solve the fixed point
 *
 *     P = softmax((T − P)·G / (Nλ))                                          (★)
 *
 * The exact solver runs Nesterov's method on W written as A·X; the linearised solver replaces softmax(z) by
 * (1 + z)/K and is the closed form P − U = (T − U)·G(G + αI)⁻¹, α = K·N·λ, applied through G's spectrum.
 * Per-instance vectors are stored row by row (`v[i·K + k]`), the transpose of the notes' K×N matrices.
 */
import type { GramOperator } from './gram.ts';

/** How outputs depend on logits: the true softmax, or its linearisation (1 + z)/K (notes §3.3). */
export type OutputLink = 'softmax' | 'linearised';

/** Which solver trains each round: the exact fixed point (★) or the linearised closed form. */
export type RoundSolver = 'exact' | 'linearised';

/** The outcome of one training. */
export interface FixedPointSolution {
  /** P: training-set outputs, C×K (rows sum to 1). */
  readonly outputs: Float64Array;
  /** A = (T − P)/(Nλ) at the optimum: the model is W = A·X and a new point's logits are A·G_x. */
  readonly dual: Float64Array;
  /** Solver iterations (0 for the closed form). */
  readonly iterations: number;
  /** max |A − (T − P(A))/(Nλ)|, the fixed-point residual (notes §5.6: < 1e−9). */
  readonly residual: number;
  readonly converged: boolean;
}

/** Default stopping tolerance on the fixed-point residual (notes §3.4, §5.6). */
export const FIXED_POINT_TOLERANCE = 1e-9;

/** Row-wise softmax of Z (C×K) into `out`, stabilised by the row maximum. O(C·K). */
export function softmaxRows(
  z: Float64Array,
  k: number,
  out: Float64Array = new Float64Array(z.length),
): Float64Array {
  for (let i = 0; i < z.length; i += k) {
    let max = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < k; q++) max = Math.max(max, z[i + q]!);
    let s = 0;
    for (let q = 0; q < k; q++) {
      const v = Math.exp(z[i + q]! - max);
      out[i + q] = v;
      s += v;
    }
    for (let q = 0; q < k; q++) out[i + q]! /= s;
  }
  return out;
}

function applyLink(link: OutputLink, z: Float64Array, k: number, out: Float64Array): Float64Array {
  if (link === 'softmax') return softmaxRows(z, k, out);
  for (let i = 0; i < z.length; i++) out[i] = (1 + z[i]!) / k;
  return out;
}

/**
 * Solves the fixed point (★) (or its linearised version, `link: 'linearised'`) by Nesterov's accelerated
 * gradient on W = A·X in kernel form (notes §3.4): A ← Y − (1/L)·((P(Y) − T)/N + λY), Y = A + β(A − A_prev),
 * with L = λ + μ_max/(2N) (softmax curvature ≤ ½), β = (1 − √(λ/L))/(1 + √(λ/L)). This is exact gradient
 * descent on the convex objective, so it converges to the unique optimum; it stops when the residual
 * max |A − (T − P)/(Nλ)| is below `tolerance`, checked every `checkEvery` iterations.
 * Cost: one `op.multiply` (O(N²K) dense, O(CK) block) per iteration; ~200 iterations at λ = 1e−3, N = 240.
 */
export function solveFixedPoint({
  op,
  targets,
  classes: K,
  lambda,
  link = 'softmax',
  tolerance = FIXED_POINT_TOLERANCE,
  maxIterations = 200_000,
  checkEvery = 25,
}: {
  op: GramOperator;
  targets: Float64Array;
  classes: number;
  lambda: number;
  link?: OutputLink;
  tolerance?: number;
  maxIterations?: number;
  checkEvery?: number;
}): FixedPointSolution {
  const N = op.instances;
  const size = op.columns * K;
  const L = lambda + op.maxEigenvalue / (2 * N);
  const lr = 1 / L;
  const sq = Math.sqrt(lambda / L);
  const beta = (1 - sq) / (1 + sq);
  let A = new Float64Array(size);
  let prev = new Float64Array(size);
  const Y = new Float64Array(size);
  const Z = new Float64Array(size);
  const P = new Float64Array(size);
  const Nl = N * lambda;

  const residualAt = (a: Float64Array) => {
    op.multiply(a, K, Z);
    applyLink(link, Z, K, P);
    let r = 0;
    for (let i = 0; i < size; i++) r = Math.max(r, Math.abs(a[i]! - (targets[i]! - P[i]!) / Nl));
    return r;
  };

  let iterations = 0;
  let residual = residualAt(A);
  while (residual >= tolerance && iterations < maxIterations) {
    for (let i = 0; i < size; i++) Y[i] = A[i]! + beta * (A[i]! - prev[i]!);
    op.multiply(Y, K, Z);
    applyLink(link, Z, K, P);
    const t = prev;
    prev = A;
    A = t;
    for (let i = 0; i < size; i++) A[i] = Y[i]! - lr * ((P[i]! - targets[i]!) / N + lambda * Y[i]!);
    iterations++;
    if (iterations % checkEvery === 0 || iterations === maxIterations) residual = residualAt(A);
  }
  if (iterations % checkEvery !== 0 && iterations !== maxIterations) residual = residualAt(A);
  // residualAt leaves P = P(A).
  return { outputs: Float64Array.from(P), dual: A, iterations, residual, converged: residual < tolerance };
}

/**
 * A work estimate (not a bound) of the exact solver's iterations to a 1e−9 residual:
 * 30·⌈√(1 + μ_max/(2Nλ))⌉ with μ_max/N ≤ 1 (unit diagonal), i.e. √κ iterations per decade of accuracy.
 * Used by the experiments' `work` functions. O(1).
 */
export function exactIterationEstimate(lambda: number): number {
  return 30 * Math.ceil(Math.sqrt(1 + 1 / (2 * lambda)));
}

/** α = K·N·λ, the effective ridge constant of the linearised solver (notes §2.1; pitfall 4). */
export function effectiveRidge(classes: number, instances: number, lambda: number): number {
  return classes * instances * lambda;
}

/**
 * One linearised round in closed form (notes §3.3, §4.1): P − U = (T − U)·M, M = G(G + αI)⁻¹, applied through
 * G's eigendecomposition (each eigen-direction shrinks by s_j = μ_j/(μ_j + α)). The dual is A = (T − P)/(Nλ);
 * the reported residual checks the linearised fixed point P = U + A·G/K (one more `op.multiply`, skipped with
 * `verify: false`). O(op.applySpectral + op.multiply).
 */
export function linearisedRound({
  op,
  targets,
  classes: K,
  lambda,
  verify = true,
}: {
  op: GramOperator;
  targets: Float64Array;
  classes: number;
  lambda: number;
  /** Compute the residual with one extra `op.multiply` (default); when false the residual is reported as 0. */
  verify?: boolean;
}): FixedPointSolution {
  const N = op.instances;
  const alpha = effectiveRidge(K, N, lambda);
  const R = new Float64Array(targets.length);
  for (let i = 0; i < R.length; i++) R[i] = targets[i]! - 1 / K;
  const P = op.applySpectral(R, K, (mu) => mu / (mu + alpha));
  for (let i = 0; i < P.length; i++) P[i]! += 1 / K;
  const A = new Float64Array(P.length);
  for (let i = 0; i < A.length; i++) A[i] = (targets[i]! - P[i]!) / (N * lambda);
  let residual = 0;
  if (!verify) return { outputs: P, dual: A, iterations: 0, residual, converged: true };
  const Z = op.multiply(A, K);
  for (let i = 0; i < A.length; i++) {
    const p = (1 + Z[i]!) / K;
    residual = Math.max(residual, Math.abs(A[i]! - (targets[i]! - p) / (N * lambda)));
  }
  return { outputs: P, dual: A, iterations: 0, residual, converged: true };
}

/**
 * The linearised multi-round closed form (notes §4.1): P_τ = U + (Y − U)·V diag((μ_j/(μ_j+α))^τ) Vᵀ, i.e. τ
 * rounds of plain SD (round 1 = teacher) in one spectral filter. O(op.applySpectral).
 */
export function linearisedClosedForm({
  op,
  labels,
  classes: K,
  lambda,
  round,
}: {
  op: GramOperator;
  labels: Float64Array;
  classes: number;
  lambda: number;
  round: number;
}): Float64Array {
  const alpha = effectiveRidge(K, op.instances, lambda);
  const R = new Float64Array(labels.length);
  for (let i = 0; i < R.length; i++) R[i] = labels[i]! - 1 / K;
  const P = op.applySpectral(R, K, (mu) => (mu / (mu + alpha)) ** round);
  for (let i = 0; i < P.length; i++) P[i]! += 1 / K;
  return P;
}

/** Trains one round with the chosen solver. */
export function trainRound(o: {
  op: GramOperator;
  targets: Float64Array;
  classes: number;
  lambda: number;
  solver: RoundSolver;
  tolerance?: number;
  maxIterations?: number;
  verify?: boolean;
}): FixedPointSolution {
  return o.solver === 'linearised' ? linearisedRound(o) : solveFixedPoint({ ...o, link: 'softmax' });
}

/**
 * The official code's PLL loss (notes §2.2, §3.1): Generalized Cross Entropy Σ_k w_k (1 − p_k^q)/q with the
 * candidate weights w (½ on each of the teacher's top two), trained by plain gradient descent in kernel form
 * from `init` (the teacher's dual, as the code initialises the student at the teacher). The gradient in the
 * logits is −(w ∘ p^q) + (Σ_k w_k p_k^q)·p. Non-convex, so it reports the stationarity residual
 * max |A + ∇_Z/(Nλ)| after at most `maxIterations` steps of size 1/(λ + μ_max/N). O(op.multiply) per step.
 */
export function solvePartialLabelGce({
  op,
  candidates,
  classes: K,
  lambda,
  q = 0.7,
  init,
  tolerance = 1e-8,
  maxIterations = 3000,
  checkEvery = 25,
}: {
  op: GramOperator;
  candidates: Float64Array;
  classes: number;
  lambda: number;
  q?: number;
  init?: Float64Array;
  tolerance?: number;
  maxIterations?: number;
  checkEvery?: number;
}): FixedPointSolution {
  const N = op.instances;
  const size = op.columns * K;
  const lr = 1 / (lambda + op.maxEigenvalue / N);
  const A = init ? Float64Array.from(init) : new Float64Array(size);
  const Z = new Float64Array(size);
  const P = new Float64Array(size);
  const grad = new Float64Array(size);
  const gradient = () => {
    op.multiply(A, K, Z);
    softmaxRows(Z, K, P);
    for (let i = 0; i < size; i += K) {
      let s = 0;
      for (let k = 0; k < K; k++) s += candidates[i + k]! * P[i + k]! ** q;
      for (let k = 0; k < K; k++) grad[i + k] = -candidates[i + k]! * P[i + k]! ** q + s * P[i + k]!;
    }
  };
  const residualNow = () => {
    let r = 0;
    for (let i = 0; i < size; i++) r = Math.max(r, Math.abs(A[i]! + grad[i]! / (N * lambda)));
    return r;
  };
  let iterations = 0;
  gradient();
  let residual = residualNow();
  while (residual >= tolerance && iterations < maxIterations) {
    for (let i = 0; i < size; i++) A[i]! -= lr * (grad[i]! / N + lambda * A[i]!);
    iterations++;
    gradient();
    if (iterations % checkEvery === 0 || iterations === maxIterations) residual = residualNow();
  }
  residual = residualNow();
  return { outputs: Float64Array.from(P), dual: A, iterations, residual, converged: residual < tolerance };
}
