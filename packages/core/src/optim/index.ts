/**
 * First-order methods on Float64 vectors (stacking notes §3.3): gradient descent, Nesterov's accelerated
 * gradient in its two-sequence, velocity (Sutskever) and three-sequence (estimate-sequence) forms, and
 * Polyak's heavy ball. Each calls `onIterate(k, x)` for k = 0, 1, … (x is the iterate x_k; do not keep it,
 * copy it) and stops early when that callback returns true.
 */

/** A differentiable objective on Rⁿ. */
export interface Objective {
  readonly dim: number;
  value(x: Float64Array): number;
  /** Writes ∇f(x) into `out`. */
  gradient(x: Float64Array, out: Float64Array): void;
}

/** Called with every iterate x_k (k = 0 is the start); return true to stop. */
export type OnIterate = (k: number, x: Float64Array) => boolean | undefined;

/** Outcome of an optimiser run. */
export interface OptimRun {
  /** Final iterate. */
  readonly x: Float64Array;
  /** Index of the final iterate (number of updates performed). */
  readonly iterations: number;
}

/** Momentum as a constant β or a schedule β_k (k = 0, 1, …). */
export type Momentum = number | ((k: number) => number);

const momentumAt = (m: Momentum, k: number) => (typeof m === 'number' ? m : m(k));

/** β* = (√κ − 1)/(√κ + 1): Nesterov's constant momentum for an L-smooth μ-strongly convex f, κ = L/μ. */
export function nesterovMomentum(kappa: number): number {
  const r = Math.sqrt(kappa);
  return (r - 1) / (r + 1);
}

/**
 * Gradient descent x_{k+1} = x_k − η ∇f(x_k). With η = 1/L the error contracts as (1 − 1/κ)^k.
 * O(n + cost of ∇f) per iteration.
 */
export function gradientDescent(
  f: Objective,
  x0: ArrayLike<number>,
  { eta, maxIterations, onIterate }: { eta: number; maxIterations: number; onIterate?: OnIterate },
): OptimRun {
  const x = Float64Array.from(x0);
  const g = new Float64Array(f.dim);
  let k = 0;
  if (onIterate?.(0, x)) return { x, iterations: 0 };
  while (k < maxIterations) {
    f.gradient(x, g);
    for (let i = 0; i < x.length; i++) x[i]! -= eta * g[i]!;
    k++;
    if (onIterate?.(k, x)) break;
  }
  return { x, iterations: k };
}

/**
 * Nesterov AGD, two-sequence form: y_k = x_k + β_k (x_k − x_{k−1}); x_{k+1} = y_k − η ∇f(y_k), with
 * x_{−1} = x_0. With β = β* and η = 1/L the error contracts as (1 − 1/√κ)^k (notes §4.7).
 */
export function nesterovTwoSequence(
  f: Objective,
  x0: ArrayLike<number>,
  {
    eta,
    beta,
    maxIterations,
    onIterate,
  }: { eta: number; beta: Momentum; maxIterations: number; onIterate?: OnIterate },
): OptimRun {
  const n = f.dim;
  const x = Float64Array.from(x0);
  const prev = Float64Array.from(x0);
  const y = new Float64Array(n);
  const g = new Float64Array(n);
  let k = 0;
  if (onIterate?.(0, x)) return { x, iterations: 0 };
  while (k < maxIterations) {
    const b = momentumAt(beta, k);
    for (let i = 0; i < n; i++) y[i] = x[i]! + b * (x[i]! - prev[i]!);
    f.gradient(y, g);
    prev.set(x);
    for (let i = 0; i < n; i++) x[i] = y[i]! - eta * g[i]!;
    k++;
    if (onIterate?.(k, x)) break;
  }
  return { x, iterations: k };
}

/**
 * Nesterov AGD, velocity (Sutskever) form: v_{k+1} = β_k v_k − η ∇f(x_k + β_k v_k); x_{k+1} = x_k + v_{k+1},
 * v_0 = 0. Identical to the two-sequence form with v_k = x_k − x_{k−1}; it is the form that maps onto
 * stacking, where v_k is the last added layer (notes §4.1).
 */
export function nesterovVelocity(
  f: Objective,
  x0: ArrayLike<number>,
  {
    eta,
    beta,
    maxIterations,
    onIterate,
  }: { eta: number; beta: Momentum; maxIterations: number; onIterate?: OnIterate },
): OptimRun {
  const n = f.dim;
  const x = Float64Array.from(x0);
  const v = new Float64Array(n);
  const look = new Float64Array(n);
  const g = new Float64Array(n);
  let k = 0;
  if (onIterate?.(0, x)) return { x, iterations: 0 };
  while (k < maxIterations) {
    const b = momentumAt(beta, k);
    for (let i = 0; i < n; i++) look[i] = x[i]! + b * v[i]!;
    f.gradient(look, g);
    for (let i = 0; i < n; i++) {
      v[i] = b * v[i]! - eta * g[i]!;
      x[i]! += v[i]!;
    }
    k++;
    if (onIterate?.(k, x)) break;
  }
  return { x, iterations: k };
}

/**
 * Nesterov AGD, three-sequence (estimate-sequence) form with τ = 1/√κ (notes §3.3):
 *   y_k = (x_k + τ v_k)/(1 + τ);  x_{k+1} = y_k − (1/L)∇f(y_k);  v_{k+1} = v_k + τ(y_k − v_k) − (τ/μ)∇f(y_k),
 * v_0 = x_0. Equal to the two-sequence form with β*. `onState(k, x, v)` exposes v_k for the potential
 * Φ_k = f(x_k) − f* + (μ/2)‖v_k − x*‖² (notes §4.4).
 */
export function nesterovThreeSequence(
  f: Objective,
  x0: ArrayLike<number>,
  {
    L,
    mu,
    maxIterations,
    onIterate,
    onState,
  }: {
    L: number;
    mu: number;
    maxIterations: number;
    onIterate?: OnIterate;
    onState?: (k: number, x: Float64Array, v: Float64Array) => void;
  },
): OptimRun {
  const n = f.dim;
  const tau = Math.sqrt(mu / L);
  const x = Float64Array.from(x0);
  const v = Float64Array.from(x0);
  const y = new Float64Array(n);
  const g = new Float64Array(n);
  let k = 0;
  onState?.(0, x, v);
  if (onIterate?.(0, x)) return { x, iterations: 0 };
  while (k < maxIterations) {
    for (let i = 0; i < n; i++) y[i] = (x[i]! + tau * v[i]!) / (1 + tau);
    f.gradient(y, g);
    for (let i = 0; i < n; i++) {
      x[i] = y[i]! - g[i]! / L;
      v[i] = v[i]! + tau * (y[i]! - v[i]!) - (tau / mu) * g[i]!;
    }
    k++;
    onState?.(k, x, v);
    if (onIterate?.(k, x)) break;
  }
  return { x, iterations: k };
}

/**
 * Polyak's heavy ball: x_{k+1} = x_k − α ∇f(x_k) + β_h (x_k − x_{k−1}). The gradient is taken at x_k, not at
 * a look-ahead point — the difference from Nesterov. On quadratics α = 4/(√L + √μ)², β_h = β*² give the
 * rate (√κ − 1)/(√κ + 1).
 */
export function heavyBall(
  f: Objective,
  x0: ArrayLike<number>,
  {
    alpha,
    beta,
    maxIterations,
    onIterate,
  }: { alpha: number; beta: number; maxIterations: number; onIterate?: OnIterate },
): OptimRun {
  const n = f.dim;
  const x = Float64Array.from(x0);
  const prev = Float64Array.from(x0);
  const g = new Float64Array(n);
  let k = 0;
  if (onIterate?.(0, x)) return { x, iterations: 0 };
  while (k < maxIterations) {
    f.gradient(x, g);
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      x[i] = xi - alpha * g[i]! + beta * (xi - prev[i]!);
      prev[i] = xi;
    }
    k++;
    if (onIterate?.(k, x)) break;
  }
  return { x, iterations: k };
}

/** Optimal heavy-ball parameters for eigenvalues in [μ, L]: α = 4/(√L + √μ)², β_h = ((√κ−1)/(√κ+1))². */
export function heavyBallParameters(L: number, mu: number): { alpha: number; beta: number } {
  const b = nesterovMomentum(L / mu);
  return { alpha: 4 / (Math.sqrt(L) + Math.sqrt(mu)) ** 2, beta: b * b };
}

/**
 * The diagonal quadratic f(x) = ½ Σ λ_i (x_i − x*_i)² (notes §5.1–5.2). L = max λ, μ = min λ.
 */
export function diagonalQuadratic(lambdas: ArrayLike<number>, xStar?: ArrayLike<number>): Objective {
  const lam = Float64Array.from(lambdas);
  const star = xStar ? Float64Array.from(xStar) : new Float64Array(lam.length);
  return {
    dim: lam.length,
    value(x) {
      let s = 0;
      for (let i = 0; i < lam.length; i++) {
        const r = x[i]! - star[i]!;
        s += lam[i]! * r * r;
      }
      return 0.5 * s;
    },
    gradient(x, out) {
      for (let i = 0; i < lam.length; i++) out[i] = lam[i]! * (x[i]! - star[i]!);
    },
  };
}

/** λ_i = κ^{−i/(d−1)}, i = 0..d−1: the log-spaced spectrum of the notes, with L = 1 and μ = 1/κ. */
export function logSpacedSpectrum(kappa: number, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) out[i] = d === 1 ? 1 : kappa ** (-i / (d - 1));
  return out;
}
