/**
 * R1 of the stacking notes (§4.1, §5.1): additive stagewise training ("boosting") with linear learners on
 * ℓ(w) = ½ Σ λ_i (w_i − w*_i)². F_t = Σ_{s≤t} w_s; the new learner starts at zero, random or β·w_{t−1} and
 * takes a few gradient steps w ← w − η ∇ℓ(F_{t−1} + w). With one step per stage, stack(β) reproduces Nesterov's
 * iterates exactly and zero init reproduces gradient descent.
 */
import { createRng } from '../../math/rng.ts';
import {
  diagonalQuadratic,
  gradientDescent,
  logSpacedSpectrum,
  nesterovTwoSequence,
} from '../../optim/index.ts';
import type { LayerInit } from './deep-linear.ts';

export interface BoostingOptions {
  readonly kappa: number;
  readonly d: number;
  readonly init: LayerInit;
  readonly beta: number;
  readonly sigma: number;
  readonly eta: number;
  readonly stepsPerStage: number;
  readonly stages: number;
  readonly seed: number;
}

export interface BoostingTrace {
  /** ℓ(F_t), t = 0..T. */
  readonly losses: number[];
  /** F_t, t = 0..T. */
  readonly ensembles: Float64Array[];
  /** ‖w_t‖, t = 1..T: the size of each added learner (the "velocity"). */
  readonly learnerNorms: number[];
}

/** The R1 objective: λ_i = κ^{−i/(d−1)} and w* = (1, …, 1). */
export function boostingObjective(kappa: number, d: number) {
  return diagonalQuadratic(logSpacedSpectrum(kappa, d), new Float64Array(d).fill(1));
}

/** Runs stagewise boosting with linear learners. O(T·k·d). */
export function boostLinearLearners(o: BoostingOptions): BoostingTrace {
  const f = boostingObjective(o.kappa, o.d);
  const rng = createRng(o.seed);
  const F = new Float64Array(o.d);
  const w = new Float64Array(o.d);
  const probe = new Float64Array(o.d);
  const g = new Float64Array(o.d);
  const losses = [f.value(F)];
  const ensembles = [Float64Array.from(F)];
  const learnerNorms: number[] = [];
  const invSqrtD = 1 / Math.sqrt(o.d);
  for (let t = 1; t <= o.stages; t++) {
    if (o.init === 'zero') w.fill(0);
    else if (o.init === 'random') for (let i = 0; i < o.d; i++) w[i] = o.sigma * rng.normal() * invSqrtD;
    else for (let i = 0; i < o.d; i++) w[i]! *= o.beta;
    for (let s = 0; s < o.stepsPerStage; s++) {
      for (let i = 0; i < o.d; i++) probe[i] = F[i]! + w[i]!;
      f.gradient(probe, g);
      for (let i = 0; i < o.d; i++) w[i]! -= o.eta * g[i]!;
    }
    let norm = 0;
    for (let i = 0; i < o.d; i++) {
      F[i]! += w[i]!;
      norm += w[i]! * w[i]!;
    }
    losses.push(f.value(F));
    ensembles.push(Float64Array.from(F));
    learnerNorms.push(Math.sqrt(norm));
  }
  return { losses, ensembles, learnerNorms };
}

/**
 * The optimiser iterates the stagewise run should equal: Nesterov(β, η) for stack, GD(η) otherwise,
 * started at 0. Returns x_t for t = 0..T and ℓ(x_t).
 */
export function boostingReference(
  o: Pick<BoostingOptions, 'kappa' | 'd' | 'eta' | 'stages'> & { method: 'nesterov' | 'gd'; beta: number },
): { iterates: Float64Array[]; losses: number[] } {
  const f = boostingObjective(o.kappa, o.d);
  const iterates: Float64Array[] = [];
  const losses: number[] = [];
  const onIterate = (_k: number, x: Float64Array) => {
    iterates.push(Float64Array.from(x));
    losses.push(f.value(x));
    return false;
  };
  const x0 = new Float64Array(o.d);
  if (o.method === 'nesterov')
    nesterovTwoSequence(f, x0, { eta: o.eta, beta: o.beta, maxIterations: o.stages, onIterate });
  else gradientDescent(f, x0, { eta: o.eta, maxIterations: o.stages, onIterate });
  return { iterates, losses };
}
