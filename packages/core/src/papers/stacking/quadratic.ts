/**
 * R2 of the stacking notes (§5.2): gradient descent, Nesterov (β*, the schedule k/(k+3), a pure copy β = 1)
 * and heavy ball on the diagonal quadratic f(x) = ½ Σ λ_i x_i², λ_i = κ^{−i/(d−1)}, from x_0 = 1, and the
 * potential Φ_k = f(x_k) − f* + (μ/2)‖v_k − x*‖² of the three-sequence form (§4.4).
 */
import {
  diagonalQuadratic,
  gradientDescent,
  heavyBall,
  heavyBallParameters,
  logSpacedSpectrum,
  type Momentum,
  nesterovThreeSequence,
  nesterovTwoSequence,
  type Objective,
  type OnIterate,
} from '../../optim/index.ts';

/** The methods compared on the quadratic. */
export type QuadraticMethod = 'gd' | 'nag' | 'nag-schedule' | 'nag-copy' | 'heavy-ball';

/** One method's run: iterations to tolerance and the loss curve f(x_k)/f(x_0). */
export interface QuadraticTrace {
  readonly iterationsToTolerance: number | null;
  /** f(x_k)/f(x_0) for k = 0..K (K = stop index). */
  readonly relativeLoss: number[];
  readonly diverged: boolean;
}

/** The R2 problem: spectrum, objective and start. */
export function quadraticProblem(
  kappa: number,
  d: number,
): { f: Objective; lambdas: Float64Array; x0: Float64Array } {
  const lambdas = logSpacedSpectrum(kappa, d);
  return { f: diagonalQuadratic(lambdas), lambdas, x0: new Float64Array(d).fill(1) };
}

/**
 * Runs one method until f(x_k) ≤ tolerance·f(x_0), divergence (f > 1e12·f(x_0) or non-finite) or
 * `maxIterations`. η is in units of 1/L (L = 1 here). O(K·d).
 */
export function runQuadraticMethod(
  method: QuadraticMethod,
  {
    kappa,
    d,
    eta,
    beta,
    tolerance,
    maxIterations,
  }: { kappa: number; d: number; eta: number; beta: number; tolerance: number; maxIterations: number },
): QuadraticTrace {
  const { f, lambdas, x0 } = quadraticProblem(kappa, d);
  const f0 = f.value(x0);
  const relativeLoss: number[] = [];
  let hit: number | null = null;
  let diverged = false;
  const onIterate: OnIterate = (k, x) => {
    const r = f.value(x) / f0;
    relativeLoss.push(r);
    if (!Number.isFinite(r) || r > 1e12) {
      diverged = true;
      return true;
    }
    if (r <= tolerance) {
      hit = k;
      return true;
    }
    return false;
  };
  const L = lambdas[0]!;
  const mu = lambdas[d - 1]!;
  const step = eta / L;
  const schedule: Momentum = (k) => k / (k + 3);
  switch (method) {
    case 'gd':
      gradientDescent(f, x0, { eta: step, maxIterations, onIterate });
      break;
    case 'nag':
      nesterovTwoSequence(f, x0, { eta: step, beta, maxIterations, onIterate });
      break;
    case 'nag-schedule':
      nesterovTwoSequence(f, x0, { eta: step, beta: schedule, maxIterations, onIterate });
      break;
    case 'nag-copy':
      nesterovTwoSequence(f, x0, { eta: step, beta: 1, maxIterations, onIterate });
      break;
    case 'heavy-ball':
      heavyBall(f, x0, { ...heavyBallParameters(L, mu), maxIterations, onIterate });
      break;
  }
  return { iterationsToTolerance: hit, relativeLoss, diverged };
}

/** Nesterov's potential along the three-sequence iterates, against the bound (1 − 1/√κ)^k Φ_0. */
export interface PotentialTrace {
  /** Φ_k for k = 0..K. */
  readonly phi: number[];
  /** Φ_{k+1}/Φ_k for k = 0..K−1. */
  readonly ratios: number[];
  /** max_k Φ_{k+1}/Φ_k: must not exceed the bound 1 − 1/√κ. */
  readonly worstRatio: number;
  readonly bound: number;
}

/**
 * Φ_k = f(x_k) − f* + (μ/2)‖v_k − x*‖² for the three-sequence Nesterov iterates (x* = 0, f* = 0), run until
 * f(x_k) ≤ tolerance·f(x_0) or `maxIterations` (notes §4.4: Φ_{k+1} ≤ (1 − 1/√κ) Φ_k).
 */
export function nesterovPotential({
  kappa,
  d,
  tolerance,
  maxIterations,
}: {
  kappa: number;
  d: number;
  tolerance: number;
  maxIterations: number;
}): PotentialTrace {
  const { f, lambdas, x0 } = quadraticProblem(kappa, d);
  const L = lambdas[0]!;
  const mu = lambdas[d - 1]!;
  const f0 = f.value(x0);
  const phi: number[] = [];
  nesterovThreeSequence(f, x0, {
    L,
    mu,
    maxIterations,
    onState: (_k, x, v) => {
      let vv = 0;
      for (const vi of v) vv += vi * vi;
      phi.push(f.value(x) + (mu / 2) * vv);
    },
    onIterate: (_k, x) => f.value(x) <= tolerance * f0,
  });
  const ratios = phi.slice(1).map((p, k) => p / phi[k]!);
  return { phi, ratios, worstRatio: Math.max(...ratios), bound: 1 - Math.sqrt(mu / L) };
}
