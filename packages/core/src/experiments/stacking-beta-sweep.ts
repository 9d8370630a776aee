import { z } from 'zod';
import { lineChart } from '../charts/specs.ts';
import { deepLinearProblem, optimalCopyScale, stagesForMethod } from '../papers/stacking/deep-linear.ts';
import { defineExperiment } from './contract.ts';
import { etaField, kappaField, toleranceField } from './fields.ts';

export interface BetaSweepResult {
  readonly kappa: number;
  readonly betaStar: number;
  readonly tolerance: number;
  readonly maxStages: number;
  /** Stages to tolerance per β (null: not reached); β = 0 is zero init. Sorted by β. */
  readonly rows: { beta: number; stages: number | null; isBetaStar: boolean }[];
  /** The β with the fewest stages (the lowest β on ties). */
  readonly best: { beta: number; stages: number } | null;
}

const schema = z.strictObject({
  kappa: kappaField(100),
  betas: z
    .array(z.number().min(0).max(1.5))
    .min(1)
    .max(60)
    .default([0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1])
    .describe('Copy scales β to try; β = 0 is zero init, β = 1 a pure copy.')
    .meta({ label: 'β values' }),
  includeBetaStar: z
    .boolean()
    .default(true)
    .describe('Also run β* = (√κ−1)/(√κ+1).')
    .meta({ label: 'include β*' }),
  d: z.int().min(2).max(16).default(8).describe('Width d of every layer.').meta({ label: 'width d' }),
  innerSteps: z
    .int()
    .min(1)
    .max(16)
    .default(1)
    .describe('Gradient steps k per stage.')
    .meta({ label: 'k (steps per stage)' }),
  eta: etaField(1, 2),
  maxStages: z
    .int()
    .min(10)
    .max(5000)
    .default(1000)
    .describe('Give up after this many stages.')
    .meta({ label: 'max stages' }),
  tolerance: toleranceField(1e-4),
});

/**
 * The U-curve of the stacking notes (§5.3, §6.3): stages to tolerance against the copy scale β. The minimum
 * sits near β*, and β = 1 (a pure copy) is worse than zero init in the strongly convex regime.
 */
export const stackingBetaSweep = defineExperiment({
  id: 'stacking-beta-sweep',
  paper: 'stacking',
  title: 'Which copy scale? (β sweep)',
  summary:
    'Stages to the target loss as a function of the copy scale β: a U-curve with its minimum near β* — and a pure copy (β = 1) is slower than no copy at all.',
  schemaVersion: 1,
  better: 'lower',
  config: schema,
  limits: { maxMillis: 20_000, maxWork: 4e9, memoryMb: 256 },
  workFields: ['betas', 'maxStages', 'innerSteps'],
  work: (c) => (c.betas.length + 1) * c.maxStages * (c.innerSteps + 1) * c.d ** 3 * 4,
  async run(c, control) {
    const problem = deepLinearProblem({ kappa: c.kappa, d: c.d });
    const betaStar = optimalCopyScale(c.kappa);
    const betas = [...new Set([...c.betas, ...(c.includeBetaStar ? [betaStar] : [])])].sort((a, b) => a - b);
    const rows: BetaSweepResult['rows'] = [];
    for (const [i, beta] of betas.entries()) {
      const stages = await stagesForMethod(
        problem,
        { kind: 'stagewise', init: beta === 0 ? 'zero' : 'stack', beta },
        { eta: c.eta, innerSteps: c.innerSteps, maxStages: c.maxStages, tolerance: c.tolerance },
      );
      rows.push({ beta, stages, isBetaStar: beta === betaStar });
      await control.checkpoint((i + 1) / betas.length, `β = ${beta.toFixed(3)}`);
    }
    const best = rows.reduce<BetaSweepResult['best']>(
      (b, r) =>
        r.stages !== null && (b === null || r.stages < b.stages) ? { beta: r.beta, stages: r.stages } : b,
      null,
    );
    return {
      kappa: c.kappa,
      betaStar,
      tolerance: c.tolerance,
      maxStages: c.maxStages,
      rows,
      best,
    } satisfies BetaSweepResult;
  },
  headline: (r) => ({
    label: 'fewest stages over the β tried',
    value: r.best?.stages ?? null,
    unit: 'stages',
  }),
  chart: (r) =>
    lineChart({
      title: `Stages to ${r.tolerance.toExponential(0)} versus copy scale β (κ = ${r.kappa})`,
      subtitle:
        'β = 0 is zero init; β = 1 is a pure copy. Reproduction with the notes’ setup, not the paper’s figure.',
      rows: r.rows
        .filter((row) => row.stages !== null)
        .map((row) => ({ beta: row.beta, stages: row.stages })),
      x: { field: 'beta', title: 'copy scale β' },
      y: { field: 'stages', title: 'stages to tolerance' },
      vRules: [{ value: r.betaStar, label: `β* = ${r.betaStar.toFixed(3)}` }],
      points: true,
    }),
});
