/**
 * Shared schema fields. A concept that appears in several experiments (κ, β, the seed…) is defined once here
 * so its bounds, description and display metadata cannot drift apart.
 * Display metadata: `label` (short, may use the paper's symbol), `unit`, `scale: 'log'` for log sliders,
 * `step` for slider resolution.
 */
import { z } from 'zod';

/** κ, the condition number of the input covariance (or of the quadratic). */
export const kappaField = (fallback: number) =>
  z
    .number()
    .min(1)
    .max(100_000)
    .default(fallback)
    .describe('Condition number κ = L/μ of the problem (ratio of the largest to the smallest curvature).')
    .meta({ label: 'κ (condition number)', scale: 'log', step: 1 });

/** β: copy scale of stacking = Nesterov momentum; "auto" means β* = (√κ−1)/(√κ+1). */
export const betaField = (max = 1.5) =>
  z
    .union([z.number().min(0).max(max), z.literal('auto')])
    .default('auto')
    .describe(
      'Copy scale β of the new layer (= momentum). "auto" uses β* = (√κ−1)/(√κ+1); β = 1 is a pure copy.',
    )
    .meta({ label: 'β (copy scale)', step: 0.01 });

/** Seed of the mulberry32 generator. */
export const seedField = z
  .int()
  .min(0)
  .max(2_147_483_647)
  .default(1)
  .describe('Seed of the random generator (mulberry32); the same seed gives the same run.')
  .meta({ label: 'seed' });

/** η in units of 1/L. */
export const etaField = (fallback: number, max: number) =>
  z
    .number()
    .gt(0)
    .max(max)
    .default(fallback)
    .describe('Step size η in units of 1/L (η = 1 is the classic 1/L; above 2 gradient descent diverges).')
    .meta({ label: 'η (step size, ×1/L)', step: 0.01 });

/** A stopping tolerance on the relative loss. */
export const toleranceField = (fallback: number) =>
  z
    .number()
    .min(1e-14)
    .max(0.5)
    .default(fallback)
    .describe('Target relative loss ℓ_t/ℓ_0: a method "reaches" it at the first step below it.')
    .meta({ label: 'tolerance', scale: 'log' });

/** Random-initialisation scale σ. */
export const sigmaField = z
  .number()
  .min(0)
  .max(1)
  .default(0.01)
  .describe('Scale σ of the random initialisation (entries σ·N(0, 1/d)); used when init is "random".')
  .meta({ label: 'σ (random init scale)', scale: 'log', step: 0.001 });

/** Resolves β = "auto" to β*. */
export function resolveBeta(beta: number | 'auto', betaStar: number): number {
  return beta === 'auto' ? betaStar : beta;
}
