import { z } from 'zod';
import { lineChart, seriesRows, stackCharts } from '../charts/specs.ts';
import {
  deepLinearProblem,
  type LayerInit,
  optimalCopyScale,
  stagesToTolerance,
  trainPSpace,
  trainStagewise,
} from '../papers/stacking/deep-linear.ts';
import { defineExperiment } from './contract.ts';
import {
  betaField,
  etaField,
  kappaField,
  resolveBeta,
  seedField,
  sigmaField,
  toleranceField,
} from './fields.ts';

/** One method's curve in a deep-linear run. */
export interface DeepLinearMethod {
  /** `zero | random | stack` for stagewise runs; `gd | nag` for the P-space baselines. */
  readonly key: string;
  readonly label: string;
  readonly kind: 'stagewise' | 'p-space';
  readonly beta: number | null;
  /** T(ε): first stage with relative loss below the tolerance; null if not reached. */
  readonly stagesToTolerance: number | null;
  readonly finalRelativeLoss: number;
  /** ℓ(P_t)/ℓ(P_0), t = 0..T. */
  readonly relativeLoss: number[];
  /** ‖W_t‖_F, t = 1..T (stagewise only). */
  readonly layerNorms: number[];
  readonly diverged: boolean;
}

export interface DeepLinearResult {
  readonly kappa: number;
  readonly d: number;
  readonly betaStar: number;
  readonly initialLoss: number;
  readonly tolerance: number;
  /** The configured run first, then the zero-init reference (if different) and the P-space GD and NAG β*. */
  readonly methods: DeepLinearMethod[];
}

const initLabel = (init: LayerInit, beta: number, betaStar: number, sigma: number) =>
  init === 'zero'
    ? 'zero init'
    : init === 'random'
      ? `random init σ=${sigma}`
      : Math.abs(beta - betaStar) < 1e-12
        ? `stack β*=${beta.toFixed(3)}`
        : `stack β=${beta}`;

const schema = z.strictObject({
  kappa: kappaField(100),
  d: z
    .int()
    .min(2)
    .max(32)
    .default(8)
    .describe('Width d of every layer (d×d matrices).')
    .meta({ label: 'width d' }),
  target: z
    .enum(['givens', 'nonorthogonal'])
    .default('givens')
    .describe('Target map A: an orthogonal product of Givens rotations, or I + 0.5·cos(ij+1)/√d.')
    .meta({ label: 'target A' }),
  init: z
    .enum(['zero', 'random', 'stack'])
    .default('stack')
    .describe('How each new layer starts: zero, random (σ), or stack (β × the last layer).')
    .meta({ label: 'new-layer init' }),
  beta: betaField(),
  sigma: sigmaField,
  innerSteps: z
    .int()
    .min(1)
    .max(32)
    .default(1)
    .describe('Gradient steps k on the new layer per stage.')
    .meta({ label: 'k (steps per stage)' }),
  eta: etaField(1, 2),
  maxStages: z
    .int()
    .min(1)
    .max(5000)
    .default(1000)
    .describe('Maximum number of stages (= final depth).')
    .meta({ label: 'max stages' }),
  tolerance: toleranceField(1e-4),
  seed: seedField,
});

/**
 * R3 of the stacking notes: stagewise training of a deep linear residual network under the population loss,
 * with zero, random or stacking initialisation, against the P-space GD and Nesterov baselines.
 */
export const deepLinearStacking = defineExperiment({
  id: 'deep-linear-stacking',
  paper: 'stacking',
  title: 'Stacking a deep linear residual network',
  summary:
    'Grow a deep linear residual net one layer per stage. Copying the last layer scaled by β* reaches the target loss in about √κ stages instead of κ — Nesterov acceleration in depth.',
  schemaVersion: 1,
  better: 'lower',
  config: schema,
  limits: { maxMillis: 10_000, maxWork: 2e9, memoryMb: 256 },
  workFields: ['maxStages', 'innerSteps', 'd'],
  work: (c) => c.maxStages * (c.innerSteps + 1) * c.d ** 3 * 4,
  usesSeed: (c) => c.init === 'random',
  async run(c, control) {
    const problem = deepLinearProblem({ kappa: c.kappa, d: c.d, target: c.target });
    const betaStar = optimalCopyScale(c.kappa);
    const beta = resolveBeta(c.beta, betaStar);
    const runs: {
      key: string;
      label: string;
      kind: 'stagewise' | 'p-space';
      beta: number | null;
      init?: LayerInit;
    }[] = [
      {
        key: c.init,
        label: initLabel(c.init, beta, betaStar, c.sigma),
        kind: 'stagewise',
        beta: c.init === 'stack' ? beta : null,
        init: c.init,
      },
    ];
    if (c.init !== 'zero')
      runs.push({ key: 'zero', label: 'zero init', kind: 'stagewise', beta: null, init: 'zero' });
    runs.push({ key: 'gd', label: 'GD (P-space)', kind: 'p-space', beta: null });
    runs.push({
      key: 'nag',
      label: `NAG β*=${betaStar.toFixed(3)} (P-space)`,
      kind: 'p-space',
      beta: betaStar,
    });

    const methods: DeepLinearMethod[] = [];
    let initialLoss = 0;
    for (const [r, spec] of runs.entries()) {
      const onStage = (t: number) =>
        t % 50 === 0
          ? control.checkpoint(
              (r + t / c.maxStages) / runs.length,
              `${spec.label}: stage ${t} of ${c.maxStages}`,
            )
          : undefined;
      const trace =
        spec.kind === 'stagewise'
          ? await trainStagewise(problem, {
              init: spec.init!,
              beta,
              sigma: c.sigma,
              innerSteps: c.innerSteps,
              eta: c.eta,
              maxStages: c.maxStages,
              seed: c.seed,
              onStage,
            })
          : await trainPSpace(problem, {
              method: spec.key as 'gd' | 'nag',
              beta: betaStar,
              eta: c.eta,
              maxStages: c.maxStages,
              onStage,
            });
      initialLoss = trace.losses[0]!;
      const relativeLoss = trace.losses.map((l) => l / initialLoss);
      methods.push({
        key: spec.key,
        label: spec.label,
        kind: spec.kind,
        beta: spec.beta,
        stagesToTolerance: stagesToTolerance(trace.losses, c.tolerance),
        finalRelativeLoss: relativeLoss[relativeLoss.length - 1]!,
        relativeLoss,
        layerNorms: trace.layerNorms,
        diverged: trace.diverged,
      });
    }
    return {
      kappa: c.kappa,
      d: c.d,
      betaStar,
      initialLoss,
      tolerance: c.tolerance,
      methods,
    } satisfies DeepLinearResult;
  },
  headline: (r) => ({
    label: `stages to ${r.tolerance.toExponential(0)} (${r.methods[0]!.label})`,
    value: r.methods[0]!.stagesToTolerance,
    unit: 'stages',
  }),
  chart(r) {
    const order = r.methods.map((m) => m.label);
    const loss = lineChart({
      title: `Relative loss per stage, κ = ${r.kappa}, d = ${r.d}`,
      subtitle: 'Reproduction with the notes’ setup (not the paper’s own figure)',
      rows: r.methods.flatMap((m) =>
        seriesRows(m.relativeLoss, { method: m.label }, { x: 'stage', y: 'loss' }),
      ),
      x: { field: 'stage', title: 'stage t (= depth)' },
      y: { field: 'loss', title: 'ℓ(P_t) / ℓ(P_0)', log: true },
      color: { field: 'method', title: 'method', sort: order },
      hRules: [{ value: r.tolerance, label: `tolerance ${r.tolerance.toExponential(0)}` }],
    });
    const stagewise = r.methods.filter((m) => m.layerNorms.length > 0);
    const norms = lineChart({
      title: 'Layer norms ‖W_t‖_F',
      rows: stagewise.flatMap((m) =>
        seriesRows(m.layerNorms, { method: m.label }, { x: 'stage', y: 'norm', offset: 1 }),
      ),
      x: { field: 'stage', title: 'stage t' },
      y: { field: 'norm', title: '‖W_t‖_F', log: true },
      color: { field: 'method', title: 'method', sort: order },
      height: 180,
    });
    return stackCharts('Deep linear residual network grown by stacking', [loss, norms]);
  },
});
