import { z } from 'zod';
import { lineChart } from '../charts/specs.ts';
import {
  deepLinearProblem,
  logLogSlope,
  optimalCopyScale,
  type SweepMethod,
  stagesForMethod,
} from '../papers/stacking/deep-linear.ts';
import { defineExperiment } from './contract.ts';
import { etaField, kappaField, toleranceField } from './fields.ts';

const METHODS = ['zero', 'stack-beta-star', 'stack-copy', 'gd', 'nag'] as const;
type MethodKey = (typeof METHODS)[number];
const LABELS: Record<MethodKey, string> = {
  zero: 'zero init',
  'stack-beta-star': 'stack β*',
  'stack-copy': 'stack β=1 (pure copy)',
  gd: 'GD (P-space)',
  nag: 'NAG β* (P-space)',
};

const methodFor = (key: MethodKey, kappa: number): SweepMethod => {
  const b = optimalCopyScale(kappa);
  switch (key) {
    case 'zero':
      return { kind: 'stagewise', init: 'zero', beta: 0 };
    case 'stack-beta-star':
      return { kind: 'stagewise', init: 'stack', beta: b };
    case 'stack-copy':
      return { kind: 'stagewise', init: 'stack', beta: 1 };
    case 'gd':
      return { kind: 'p-space', method: 'gd', beta: 0 };
    case 'nag':
      return { kind: 'p-space', method: 'nag', beta: b };
  }
};

export interface KappaSweepResult {
  readonly tolerance: number;
  readonly maxStages: number;
  /** One row per (κ, method): stages to tolerance, null if not reached within maxStages. */
  readonly rows: { kappa: number; method: MethodKey; label: string; stages: number | null }[];
  /** Fitted exponent p in stages ∝ κ^p per method, over the κ where it was reached. */
  readonly slopes: {
    method: MethodKey;
    label: string;
    slope: number | null;
    pointsUsed: number;
    notReached: number[];
  }[];
}

const schema = z.strictObject({
  kappas: z
    .array(kappaField(100).unwrap())
    .min(2)
    .max(12)
    .default([10, 30, 100, 300, 1000])
    .describe('Condition numbers κ to sweep (log-spaced values give the clearest slopes).')
    .meta({ label: 'κ values' }),
  d: z.int().min(2).max(16).default(8).describe('Width d of every layer.').meta({ label: 'width d' }),
  eta: etaField(1, 2),
  maxStages: z
    .int()
    .min(10)
    .max(20_000)
    .default(5000)
    .describe('Give up on a method after this many stages (counted as not reached).')
    .meta({ label: 'max stages' }),
  tolerance: toleranceField(1e-6).describe(
    'Target relative loss. The default 1e-6 shows the asymptotic slopes; at 1e-4 and very large κ the slopes flatten, because the loss weights the slowest directions by their small curvature.',
  ),
});

/**
 * The headline plot of the stacking notes (§6.2): stages to tolerance against κ on log–log axes, with fitted
 * slopes ≈ 1 for zero init (GD-like) and ≈ ½ for stack β* (Nesterov-like).
 */
export const stackingKappaSweep = defineExperiment({
  id: 'stacking-kappa-sweep',
  paper: 'stacking',
  title: 'Depth needed versus conditioning (κ sweep)',
  summary:
    'Stages to reach the target loss as κ grows: zero init scales like κ, stacking with β* like √κ. The log–log slopes show the acceleration.',
  schemaVersion: 1,
  better: 'lower',
  config: schema,
  limits: { maxMillis: 20_000, maxWork: 6e9, memoryMb: 256 },
  workFields: ['kappas', 'maxStages', 'd'],
  work: (c) => c.kappas.length * METHODS.length * c.maxStages * c.d ** 3 * 4,
  async run(c, control) {
    const rows: KappaSweepResult['rows'] = [];
    const kappas = [...c.kappas].sort((a, b) => a - b);
    let done = 0;
    for (const kappa of kappas) {
      const problem = deepLinearProblem({ kappa, d: c.d });
      for (const key of METHODS) {
        const stages = await stagesForMethod(problem, methodFor(key, kappa), {
          eta: c.eta,
          innerSteps: 1,
          maxStages: c.maxStages,
          tolerance: c.tolerance,
        });
        rows.push({ kappa, method: key, label: LABELS[key], stages });
        done++;
        await control.checkpoint(done / (kappas.length * METHODS.length), `κ = ${kappa}: ${LABELS[key]}`);
      }
    }
    const slopes = METHODS.map((key) => {
      const mine = rows.filter((r) => r.method === key);
      const reached = mine.filter((r) => r.stages !== null).map((r) => ({ x: r.kappa, y: r.stages! }));
      return {
        method: key,
        label: LABELS[key],
        slope: logLogSlope(reached),
        pointsUsed: reached.length,
        notReached: mine.filter((r) => r.stages === null).map((r) => r.kappa),
      };
    });
    return { tolerance: c.tolerance, maxStages: c.maxStages, rows, slopes } satisfies KappaSweepResult;
  },
  headline: (r) => ({
    label: 'fitted slope of stack β* (stages ∝ κ^slope)',
    value: r.slopes.find((s) => s.method === 'stack-beta-star')?.slope ?? null,
  }),
  chart(r) {
    const slope = (k: MethodKey) => r.slopes.find((s) => s.method === k)?.slope;
    const fmt = (v: number | null | undefined) => (v == null ? 'n/a' : v.toFixed(2));
    return lineChart({
      title: `Stages to ${r.tolerance.toExponential(0)} versus κ (log–log)`,
      subtitle: `fitted slopes: zero init ${fmt(slope('zero'))}, stack β* ${fmt(slope('stack-beta-star'))}, NAG ${fmt(slope('nag'))} — reproduction, not the paper's figure`,
      rows: r.rows
        .filter((row) => row.stages !== null)
        .map((row) => ({ kappa: row.kappa, stages: row.stages, method: row.label })),
      x: { field: 'kappa', title: 'condition number κ', log: true },
      y: { field: 'stages', title: 'stages to tolerance', log: true, format: '~s' },
      color: { field: 'method', title: 'method', sort: METHODS.map((m) => LABELS[m]) },
      points: true,
    });
  },
});
