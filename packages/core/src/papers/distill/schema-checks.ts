/**
 * Cross-field checks of the self-distillation configs (zod `superRefine`). Each issue names its field, so the
 * shared validator turns it into "d must be less than c = 0.4; got 0.5".
 */
import type { z } from 'zod';
import type { NoiseModel } from './noise.ts';

type Ctx = z.core.$RefinementCtx<unknown>;

const issue = (ctx: Ctx, field: string, message: string, input: unknown) =>
  ctx.addIssue({ code: 'custom', path: [field], message, input });

/** The fields of a block-model config that constrain each other. */
export interface BlockModelFields {
  readonly classSizes: readonly number[];
  readonly c: number;
  readonly d: number;
  readonly superclasses: number;
  readonly e: number;
  readonly noiseModel: NoiseModel;
  readonly pattern: readonly number[];
  readonly transition: readonly (readonly number[])[];
}

/** Checks c > d ≥ e, S | K and the noise model's extra fields against K = the number of class sizes. */
export function checkBlockModelConfig(v: BlockModelFields, ctx: Ctx): void {
  const K = v.classSizes.length;
  if (!(v.d < v.c)) issue(ctx, 'd', `less than c = ${v.c}`, v.d);
  if (K % v.superclasses !== 0)
    issue(ctx, 'superclasses', `a divisor of K = ${K} (the number of class sizes)`, v.superclasses);
  if (v.superclasses > 1 && v.e > v.d) issue(ctx, 'e', `at most d = ${v.d}`, v.e);
  checkNoiseFields({ ...v, K }, ctx);
}

/** Checks the noise model's extra fields (pattern, transition, superclasses) against K. */
export function checkNoiseFields(
  v: Pick<BlockModelFields, 'superclasses' | 'noiseModel' | 'pattern' | 'transition'> & {
    readonly K: number;
  },
  ctx: Ctx,
): void {
  if (v.noiseModel === 'superclass' && v.K / v.superclasses < 2) {
    issue(
      ctx,
      'noiseModel',
      `a model other than superclass when a superclass has fewer than 2 classes (K/S = ${v.K / v.superclasses})`,
      v.noiseModel,
    );
  }
  if (v.noiseModel === 'pattern') {
    const total = v.pattern.reduce((s, x) => s + x, 0);
    if (v.pattern.length !== v.K || !(total > 0)) {
      issue(
        ctx,
        'pattern',
        `a list of K = ${v.K} non-negative weights, not all 0, for the pattern model`,
        v.pattern,
      );
    }
  }
  if (v.noiseModel === 'matrix') {
    const ok =
      v.transition.length === v.K &&
      v.transition.every((row) => row.length === v.K && Math.abs(row.reduce((s, x) => s + x, 0) - 1) <= 1e-6);
    if (!ok)
      issue(
        ctx,
        'transition',
        `a ${v.K}×${v.K} matrix whose rows are ≥ 0 and sum to 1, for the matrix model`,
        v.transition,
      );
  }
}
