import { z } from 'zod';
import { lineChart, seriesRows, stackCharts } from '../charts/specs.ts';
import { maxAbsDiff } from '../math/matrix.ts';
import { nesterovMomentum } from '../optim/index.ts';
import { boostingReference, boostLinearLearners } from '../papers/stacking/boosting.ts';
import { defineExperiment } from './contract.ts';
import { betaField, etaField, kappaField, resolveBeta, seedField, sigmaField } from './fields.ts';

export interface BoostingResult {
  readonly kappa: number;
  readonly d: number;
  readonly beta: number;
  readonly betaStar: number;
  /** ℓ(F_t) of the stagewise ensemble, t = 0..T. */
  readonly losses: number[];
  readonly learnerNorms: number[];
  /** The method the stagewise run is compared with: Nesterov(β, η) for stack, GD(η) for zero and random. */
  readonly reference: { method: 'nesterov' | 'gd'; label: string; losses: number[] };
  /** max_t max_i |F_t − x_t|: ≤ 1e−12 when the correspondence is exact. */
  readonly maxDeviation: number;
  /** True when theory says the iterates coincide: one step per stage, zero or stack init. */
  readonly exactCorrespondence: boolean;
  readonly finalLoss: number;
}

const schema = z.strictObject({
  kappa: kappaField(100),
  d: z
    .int()
    .min(2)
    .max(200)
    .default(10)
    .describe('Number of features d of the linear learners.')
    .meta({ label: 'features d' }),
  init: z
    .enum(['zero', 'random', 'stack'])
    .default('stack')
    .describe(
      'How each new learner starts: zero (gradient boosting), random (σ), or stack (β × the last learner).',
    )
    .meta({ label: 'new-learner init' }),
  beta: betaField(),
  sigma: sigmaField,
  eta: etaField(1, 2),
  stepsPerStage: z
    .int()
    .min(1)
    .max(50)
    .default(1)
    .describe('Gradient steps on each new learner (one step makes stack exactly Nesterov).')
    .meta({ label: 'steps per stage' }),
  stages: z.int().min(1).max(1000).default(60).describe('Boosting rounds T.').meta({ label: 'stages T' }),
  seed: seedField,
});

/**
 * R1 of the stacking notes: boosting with linear learners, where initialising each new learner as β × the
 * last one makes the ensemble follow Nesterov's iterates exactly (and zero init follows gradient descent).
 */
export const boostingStacking = defineExperiment({
  id: 'boosting-stacking',
  paper: 'stacking',
  title: 'Boosting with copied learners is Nesterov',
  summary:
    'Additive stagewise training with linear learners: starting each new learner as β × the previous one reproduces Nesterov’s accelerated iterates to machine precision; starting at zero reproduces gradient descent.',
  schemaVersion: 1,
  better: 'lower',
  config: schema,
  limits: { maxMillis: 5_000, maxWork: 1e8, memoryMb: 128 },
  workFields: ['stages', 'stepsPerStage', 'd'],
  work: (c) => c.stages * (c.stepsPerStage + 2) * c.d * 4,
  usesSeed: (c) => c.init === 'random',
  async run(c, control) {
    const betaStar = nesterovMomentum(c.kappa);
    const beta = resolveBeta(c.beta, betaStar);
    const trace = boostLinearLearners({ ...c, beta });
    await control.checkpoint(0.5, 'stagewise ensemble trained');
    const method = c.init === 'stack' ? 'nesterov' : 'gd';
    const ref = boostingReference({ kappa: c.kappa, d: c.d, eta: c.eta, stages: c.stages, method, beta });
    let maxDeviation = 0;
    trace.ensembles.forEach((F, t) => {
      maxDeviation = Math.max(maxDeviation, maxAbsDiff(F, ref.iterates[t]!));
    });
    return {
      kappa: c.kappa,
      d: c.d,
      beta,
      betaStar,
      losses: trace.losses,
      learnerNorms: trace.learnerNorms,
      reference: {
        method,
        label: method === 'nesterov' ? `Nesterov β = ${beta.toFixed(3)}` : 'gradient descent',
        losses: ref.losses,
      },
      maxDeviation,
      exactCorrespondence: c.stepsPerStage === 1 && c.init !== 'random',
      finalLoss: trace.losses[trace.losses.length - 1]!,
    } satisfies BoostingResult;
  },
  headline: (r) => ({
    label: `loss after ${r.losses.length - 1} stages`,
    value: r.finalLoss,
  }),
  chart(r) {
    const loss = lineChart({
      title: `Ensemble loss per boosting stage (κ = ${r.kappa}, d = ${r.d})`,
      subtitle: `max |F_t − x_t| = ${r.maxDeviation.toExponential(1)} against ${r.reference.label}${r.exactCorrespondence ? ' (exact correspondence expected)' : ''}`,
      rows: [
        ...seriesRows(r.losses, { run: 'stagewise ensemble' }, { x: 'stage', y: 'loss' }),
        ...seriesRows(r.reference.losses, { run: r.reference.label }, { x: 'stage', y: 'loss' }),
      ],
      x: { field: 'stage', title: 'stage t' },
      y: { field: 'loss', title: 'ℓ(F_t)', log: true },
      color: { field: 'run', title: 'run' },
      strokeDash: { field: 'run', title: 'run' },
    });
    const norms = lineChart({
      title: 'Size of each added learner ‖w_t‖ (the momentum/velocity)',
      rows: seriesRows(r.learnerNorms, { run: 'stagewise ensemble' }, { x: 'stage', y: 'norm', offset: 1 }),
      x: { field: 'stage', title: 'stage t' },
      y: { field: 'norm', title: '‖w_t‖', log: true },
      height: 180,
    });
    return stackCharts('Boosting with copied learners', [loss, norms]);
  },
});
