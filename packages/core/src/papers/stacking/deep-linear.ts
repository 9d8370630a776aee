/**
 * The stagewise deep linear residual network of the stacking notes (§2.2, §3.2, §5.3): P_t = (I + W_t)…(I + W_1)
 * fitted to y = A x under the population loss ℓ(P) = ½ tr((P − A) Σ (P − A)ᵀ), Σ = diag(λ). One stage appends
 * a layer, initialises it (zero, random or β × the last layer), and takes k gradient steps on it alone.
 * Everything is Float64 and O(k·d³) per stage, independent of any sample size.
 */

import { frobeniusNorm, identity, type Matrix, matmul, matmulTransB, zeros } from '../../math/matrix.ts';
import { createRng } from '../../math/rng.ts';
import { logSpacedSpectrum, nesterovMomentum } from '../../optim/index.ts';

/** How a new layer starts: zero (functional GD), random (smoothed stochastic GD) or a β-scaled copy (Nesterov). */
export type LayerInit = 'zero' | 'random' | 'stack';

/** Which target map A the network fits. */
export type TargetKind = 'givens' | 'nonorthogonal';

/** A deep-linear regression problem: input covariance Σ = diag(λ) and target A (d×d). */
export interface DeepLinearProblem {
  readonly d: number;
  /** Condition number κ = λ_max/λ_min of Σ. */
  readonly kappa: number;
  /** λ_i = κ^{−i/(d−1)}: so L = 1 and μ = 1/κ. */
  readonly lambdas: Float64Array;
  readonly target: Matrix;
}

/**
 * The notes' orthogonal target (§5.3): starting from I, left-multiply Givens rotations G(i, i+1, 0.5) for
 * even i, then G(i, i+1, 0.3) for odd i. det A = +1.
 */
export function givensTarget(d: number): Matrix {
  let A = identity(d);
  const rotate = (i: number, theta: number) => {
    const G = identity(d);
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    G.data[i * d + i] = c;
    G.data[(i + 1) * d + i + 1] = c;
    G.data[i * d + i + 1] = -s;
    G.data[(i + 1) * d + i] = s;
    A = matmul(G, A);
  };
  for (let i = 0; i + 1 < d; i += 2) rotate(i, 0.5);
  for (let i = 1; i + 1 < d; i += 2) rotate(i, 0.3);
  return A;
}

/** The notes' non-orthogonal target A = I + 0.5·cos(i·j + 1)/√d (singular values ≈ 0.5–1.5 at d = 8). */
export function nonOrthogonalTarget(d: number): Matrix {
  const A = identity(d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) A.data[i * d + j]! += (0.5 * Math.cos(i * j + 1)) / Math.sqrt(d);
  return A;
}

/** Builds the problem of §5.3 for a given κ, width d and target. */
export function deepLinearProblem({
  kappa,
  d,
  target = 'givens',
}: {
  kappa: number;
  d: number;
  target?: TargetKind;
}): DeepLinearProblem {
  return {
    d,
    kappa,
    lambdas: logSpacedSpectrum(kappa, d),
    target: target === 'givens' ? givensTarget(d) : nonOrthogonalTarget(d),
  };
}

/** Population loss ℓ(P) = ½ Σ_ij (P − A)_ij² λ_j. O(d²). */
export function populationLoss(problem: DeepLinearProblem, P: Matrix): number {
  const { d, lambdas, target } = problem;
  let s = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const r = P.data[i * d + j]! - target.data[i * d + j]!;
      s += r * r * lambdas[j]!;
    }
  }
  return 0.5 * s;
}

/** The per-stage record of a training run. */
export interface StageTrace {
  /** ℓ(P_t) for t = 0..T (t = 0 is the identity network). */
  readonly losses: number[];
  /** ‖W_t‖_F for t = 1..T (empty for P-space baselines). */
  readonly layerNorms: number[];
  /** True if the loss blew up (non-finite or 1e12 × ℓ(P_0)) and the run stopped early. */
  readonly diverged: boolean;
}

/** Options of stagewise training (§3.2). */
export interface StagewiseOptions {
  readonly init: LayerInit;
  /** Copy scale β for `stack` (β = 1 is a pure copy). */
  readonly beta: number;
  /** Scale σ of the random initialisation: entries σ·N(0, 1/d). */
  readonly sigma: number;
  /** k: gradient steps on the new layer per stage. */
  readonly innerSteps: number;
  /** η: step size (1 = 1/L). */
  readonly eta: number;
  readonly maxStages: number;
  /** Seed of the random initialisation (mulberry32 + Box–Muller). */
  readonly seed: number;
  /** Stop as soon as ℓ(P_t)/ℓ(P_0) < stopBelow (sweeps only need the stage count). */
  readonly stopBelow?: number;
  /** Called after every stage t (1..T); may be async to yield to the host. */
  readonly onStage?: (t: number) => void | Promise<void>;
}

const BLOW_UP = 1e12;

/**
 * Trains the residual network stage by stage (§3.2): W ← init; k times W ← W − η((I+W)P − A)ΣPᵀ;
 * P ← (I + W)P. With k = 1 and init β·W_t this is Nesterov's method up to the second-order errors of §3.2.
 * O(T·k·d³).
 */
export async function trainStagewise(
  problem: DeepLinearProblem,
  opts: StagewiseOptions,
): Promise<StageTrace> {
  const { d, lambdas, target } = problem;
  const rng = createRng(opts.seed);
  let P = identity(d);
  const W = zeros(d, d);
  const Q = zeros(d, d);
  const G = zeros(d, d);
  let next = zeros(d, d);
  const losses = [populationLoss(problem, P)];
  const layerNorms: number[] = [];
  const l0 = losses[0]!;
  let diverged = false;
  const invSqrtD = 1 / Math.sqrt(d);

  for (let t = 1; t <= opts.maxStages; t++) {
    // 1. Initialise the new layer; W still holds the previous layer W_{t−1}.
    if (opts.init === 'zero') W.data.fill(0);
    else if (opts.init === 'random')
      for (let i = 0; i < d * d; i++) W.data[i] = opts.sigma * rng.normal() * invSqrtD;
    else for (let i = 0; i < d * d; i++) W.data[i]! *= opts.beta;

    // 2. k gradient steps on W alone: ∇_W ℓ((I+W)P) = ((I+W)P − A) Σ Pᵀ.
    for (let s = 0; s < opts.innerSteps; s++) {
      matmul(W, P, Q);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const idx = i * d + j;
          Q.data[idx] = (Q.data[idx]! + P.data[idx]! - target.data[idx]!) * lambdas[j]!;
        }
      }
      matmulTransB(Q, P, G);
      for (let i = 0; i < d * d; i++) W.data[i]! -= opts.eta * G.data[i]!;
    }

    // 3. P ← (I + W) P.
    matmul(W, P, next);
    for (let i = 0; i < d * d; i++) next.data[i]! += P.data[i]!;
    [P, next] = [next, P];

    const loss = populationLoss(problem, P);
    losses.push(loss);
    layerNorms.push(frobeniusNorm(W));
    if (!Number.isFinite(loss) || loss > BLOW_UP * l0) {
      diverged = true;
      break;
    }
    await opts.onStage?.(t);
    if (opts.stopBelow !== undefined && loss / l0 < opts.stopBelow) break;
  }
  return { losses, layerNorms, diverged };
}

/** Options of the P-space baselines (§3.3): GD, or Nesterov with constant β. */
export interface PSpaceOptions {
  readonly method: 'gd' | 'nag';
  readonly beta: number;
  readonly eta: number;
  readonly maxStages: number;
  readonly stopBelow?: number;
  readonly onStage?: (t: number) => void | Promise<void>;
}

/**
 * The P-space baselines: GD P ← P − η(P − A)Σ, or NAG y = P + β(P − P_prev), P ← y − η(y − A)Σ.
 * These are the ideal methods stacking approximates. O(T·d²).
 */
export async function trainPSpace(problem: DeepLinearProblem, opts: PSpaceOptions): Promise<StageTrace> {
  const { d, lambdas, target } = problem;
  const P = identity(d);
  const prev = identity(d);
  const y = new Float64Array(d * d);
  const losses = [populationLoss(problem, P)];
  const l0 = losses[0]!;
  let diverged = false;
  const beta = opts.method === 'gd' ? 0 : opts.beta;
  for (let t = 1; t <= opts.maxStages; t++) {
    for (let i = 0; i < d * d; i++) y[i] = P.data[i]! + beta * (P.data[i]! - prev.data[i]!);
    prev.data.set(P.data);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const idx = i * d + j;
        P.data[idx] = y[idx]! - opts.eta * (y[idx]! - target.data[idx]!) * lambdas[j]!;
      }
    }
    const loss = populationLoss(problem, P);
    losses.push(loss);
    if (!Number.isFinite(loss) || loss > BLOW_UP * l0) {
      diverged = true;
      break;
    }
    await opts.onStage?.(t);
    if (opts.stopBelow !== undefined && loss / l0 < opts.stopBelow) break;
  }
  return { losses, layerNorms: [], diverged };
}

/**
 * T(ε): the first stage t with ℓ(P_t)/ℓ(P_0) < ε, or null if never (the notes' `firstBelow`, §5.6).
 */
export function stagesToTolerance(losses: readonly number[], tolerance: number): number | null {
  const l0 = losses[0]!;
  const t = losses.findIndex((v) => v / l0 < tolerance);
  return t < 0 ? null : t;
}

/** β* = (√κ − 1)/(√κ + 1), the copy scale that makes stacking Nesterov-optimal (notes §4.2). */
export const optimalCopyScale = nesterovMomentum;

/** A method of the sweeps: a stagewise init with its β, or a P-space baseline. */
export type SweepMethod =
  | { readonly kind: 'stagewise'; readonly init: LayerInit; readonly beta: number }
  | { readonly kind: 'p-space'; readonly method: 'gd' | 'nag'; readonly beta: number };

/**
 * T(ε) for one method on one problem, stopping as soon as the tolerance is reached (so a sweep costs only
 * the stages it needs). Returns null if not reached within `maxStages` or if the run diverged.
 */
export async function stagesForMethod(
  problem: DeepLinearProblem,
  method: SweepMethod,
  o: { eta: number; innerSteps: number; maxStages: number; tolerance: number; sigma?: number; seed?: number },
): Promise<number | null> {
  const trace =
    method.kind === 'stagewise'
      ? await trainStagewise(problem, {
          init: method.init,
          beta: method.beta,
          sigma: o.sigma ?? 0,
          innerSteps: o.innerSteps,
          eta: o.eta,
          maxStages: o.maxStages,
          seed: o.seed ?? 1,
          stopBelow: o.tolerance,
        })
      : await trainPSpace(problem, {
          method: method.method,
          beta: method.beta,
          eta: o.eta,
          maxStages: o.maxStages,
          stopBelow: o.tolerance,
        });
  return stagesToTolerance(trace.losses, o.tolerance);
}

/**
 * Least-squares slope of log(y) against log(x): the exponent p in y ∝ x^p. Null with fewer than 2 points.
 */
export function logLogSlope(points: readonly { x: number; y: number }[]): number | null {
  if (points.length < 2) return null;
  const lx = points.map((p) => Math.log(p.x));
  const ly = points.map((p) => Math.log(p.y));
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  return sxx === 0 ? null : sxy / sxx;
}
