/**
 * Schema fields shared by the self-distillation experiments: one definition per concept (λ, η, the noise model,
 * the corruption rule, the solver…) so bounds, descriptions and slider metadata cannot drift apart.
 */
import { z } from 'zod';
import { CORRUPTION_RULES, NOISE_MODELS, type NoiseModel } from './noise.ts';

/** Number of classes K. */
export const classesField = (fallback: number, max = 10) =>
  z.int().min(2).max(max).default(fallback).describe('Number of classes K.').meta({ label: 'K (classes)' });

/** Instances per class n (the class sizes when they are all equal). */
export const perClassField = (fallback: number, max: number) =>
  z
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .describe('Instances per class n (N = K·n training instances).')
    .meta({ label: 'n (per class)' });

/** λ: weight decay, the penalty (λ/2)‖W‖_F² on the mean loss (= SGD weight decay). */
export const lambdaField = (fallback: number, min = 1e-5, max = 1) =>
  z
    .number()
    .min(min)
    .max(max)
    .default(fallback)
    .describe(
      'Weight decay λ: the penalty (λ/2)‖W‖² on the mean cross-entropy. The effective ridge is α = K·N·λ, so the same λ means more smoothing for larger N.',
    )
    .meta({ label: 'λ (weight decay)', scale: 'log' });

/** c: within-class correlation of the block Gram model. */
export const withinClassField = (fallback: number) =>
  z
    .number()
    .gt(0)
    .lt(1)
    .default(fallback)
    .describe('Within-class correlation c: G_ij = c for two instances of the same class (G_ii = 1).')
    .meta({ label: 'c (within class)', step: 0.01 });

/** d: between-class correlation. */
export const betweenClassField = (fallback: number) =>
  z
    .number()
    .min(0)
    .lt(1)
    .default(fallback)
    .describe(
      'Between-class correlation d (must be below c); with superclasses, between classes of one superclass.',
    )
    .meta({ label: 'd (between classes)', step: 0.01 });

/** Number of superclasses S; S > 1 adds the notes' third (superclass) level of the block Gram model. */
export const superclassesField = z
  .int()
  .min(1)
  .max(5)
  .default(1)
  .describe(
    'Number of superclasses S (must divide K); S > 1 adds the notes’ superclass level with correlation e.',
  )
  .meta({ label: 'S (superclasses)' });

/** Correlation e between instances of different superclasses (≤ d). */
export const betweenSuperclassField = z
  .number()
  .min(0)
  .lt(1)
  .default(0)
  .describe('Correlation e between instances of different superclasses (≤ d); used only when S > 1.')
  .meta({ label: 'e (between superclasses)', step: 0.01 });

/** η: the noise rate. */
export const noiseRateField = (fallback: number, max = 0.95) =>
  z
    .number()
    .min(0)
    .max(max)
    .default(fallback)
    .describe(
      'Label-noise rate η: the fraction of training labels corrupted (ignored by the pattern and matrix models).',
    )
    .meta({ label: 'η (noise rate)', step: 0.01 });

/** The noise model (a subset may be offered). */
export const noiseModelField = <const M extends readonly [NoiseModel, ...NoiseModel[]]>(
  models: M,
  fallback: M[number],
) =>
  z
    .enum(models)
    .default(fallback as never)
    .describe(
      'How labels are corrupted: symmetric (to any other class), asymmetric (the official code: η/K to every other class, η/K more to the next), pairflip (all to the next class b+1), superclass (within the superclass), pattern (counts per offset), matrix (a full transition matrix).',
    )
    .meta({ label: 'noise model' });

/** All noise models. */
export const allNoiseModels = NOISE_MODELS;

/** Deterministic or seeded random corruption. */
export const corruptionField = (fallback: (typeof CORRUPTION_RULES)[number]) =>
  z
    .enum(CORRUPTION_RULES)
    .default(fallback)
    .describe(
      'Which instances are corrupted: deterministic (the first ⌊η·n_b + ½⌋ of each class, relabelled round-robin — exact, as in the notes’ golden tables) or random (each label drawn from the noise model with the seed).',
    )
    .meta({ label: 'corruption rule' });

/** Exact softmax fixed point or the linearised closed form. */
export const solverField = (fallback: 'exact' | 'linearised') =>
  z
    .enum(['exact', 'linearised'])
    .default(fallback)
    .describe(
      'How each round is trained: exact solves P = softmax((T − P)G/(Nλ)) to a residual below 1e-9; linearised uses softmax(z) ≈ (1 + z)/K, the closed form the notes score with.',
    )
    .meta({ label: 'solver' });

/** Number of rounds (1 = the teacher only). */
export const roundsField = (fallback: number, max: number) =>
  z
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .describe(
      'Rounds of self-distillation τ = 1..rounds; round 1 is the teacher, round τ ≥ 2 a student of round τ − 1.',
    )
    .meta({ label: 'rounds' });

/** ξ: Das & Sanghavi mixing weight (an extension, not in the paper). */
export const mixingField = z
  .number()
  .min(0)
  .max(3)
  .default(1)
  .describe(
    'Mixing ξ (extension, not in the paper): a student trains on ξ·(previous outputs) + (1 − ξ)·(given labels). ξ = 1 is plain self-distillation.',
  )
  .meta({ label: 'ξ (mixing)', step: 0.025 });

/** The PLL student's loss. */
export const pllLossField = (fallback: 'ce' | 'gce') =>
  z
    .enum(['ce', 'gce'])
    .default(fallback)
    .describe(
      'PLL student loss: ce (cross-entropy on ½/½ targets over the teacher’s top two, as in the theory) or gce (Generalized Cross Entropy q = 0.7 started from the teacher, as in the official code).',
    )
    .meta({ label: 'PLL loss' });
