import { z } from 'zod';
import { lineChart, seriesRows, stackCharts } from '../charts/specs.ts';
import { type BlockInit, growResidualMlp, type ResidualMlpTrace } from '../papers/stacking/residual-mlp.ts';
import { loadTf } from '../tf/backend.ts';
import { defineExperiment } from './contract.ts';
import { kappaField, seedField } from './fields.ts';

export interface ResidualMlpRun extends ResidualMlpTrace {
  readonly init: BlockInit;
  readonly label: string;
}

export interface ResidualMlpResult {
  /** The configured run first, then the zero-init comparison (same seed, data and budget) unless init is zero. */
  readonly runs: ResidualMlpRun[];
  readonly totalSteps: number;
  /** Which run had the lowest final validation MSE — reported, not assumed. */
  readonly bestByValidation: string;
}

const schema = z.strictObject({
  init: z
    .enum(['zero', 'random', 'stack', 'copy-middle'])
    .default('stack')
    .describe(
      'How each new block starts: zero (V = 0), random (small V), stack (copy the last block, V scaled by β), copy-middle (copy the middle block).',
    )
    .meta({ label: 'new-block init' }),
  beta: z
    .number()
    .min(0)
    .max(1.5)
    .default(0.8)
    .describe('Scale β of the copied block’s output matrix V.')
    .meta({ label: 'β (copy scale)', step: 0.01 }),
  sigma: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe('Scale of V for random init.')
    .meta({ label: 'σ (random init scale)', step: 0.01 }),
  train: z
    .enum(['new', 'all'])
    .default('new')
    .describe('Train only the newly added block each stage, or all blocks.')
    .meta({ label: 'train' }),
  optimizer: z
    .enum(['sgd', 'adam'])
    .default('sgd')
    .describe('Optimiser, rebuilt at every growth.')
    .meta({ label: 'optimiser' }),
  learningRate: z
    .number()
    .gt(0)
    .max(1)
    .default(0.1)
    .describe('Learning rate.')
    .meta({ label: 'learning rate', scale: 'log' }),
  stages: z
    .int()
    .min(1)
    .max(150)
    .default(12)
    .describe('Blocks to grow (one per stage); the notes’ R4 runs used 150 stages at one step each.')
    .meta({ label: 'stages' }),
  stepsPerStage: z
    .int()
    .min(1)
    .max(200)
    .default(20)
    .describe('Full-batch gradient steps per stage.')
    .meta({ label: 'steps per stage' }),
  width: z
    .int()
    .min(2)
    .max(32)
    .default(8)
    .describe('Width m of the residual stream.')
    .meta({ label: 'width m' }),
  samples: z
    .int()
    .min(16)
    .max(1024)
    .default(256)
    .describe('Training samples n (the validation set has as many).')
    .meta({ label: 'samples n' }),
  kappa: kappaField(100),
  teacherBlocks: z
    .int()
    .min(1)
    .max(8)
    .default(4)
    .describe('Blocks of the random teacher network.')
    .meta({ label: 'teacher blocks' }),
  compareWithZero: z
    .boolean()
    .default(true)
    .describe('Also run zero init with the same data and budget.')
    .meta({ label: 'compare with zero init' }),
  seed: seedField,
});

const LABEL: Record<BlockInit, string> = {
  zero: 'zero init',
  random: 'random init',
  stack: 'stack (copy last)',
  'copy-middle': 'copy middle block',
};

/**
 * R4 of the stacking notes (exploratory): grow a nonlinear residual MLP one block per stage with tfjs and
 * compare initialisations. The theory does not promise a gain here; the result reports what the run shows.
 */
export const residualMlpStacking = defineExperiment({
  id: 'residual-mlp-stacking',
  paper: 'stacking',
  title: 'Growing a nonlinear residual MLP (exploratory)',
  summary:
    'Grow a small tanh residual network block by block with tfjs, copying or not. Open-ended: at this scale the notes found no consistent gain from stacking — see what your runs show.',
  schemaVersion: 1,
  better: 'lower',
  config: schema,
  limits: { maxMillis: 30_000, maxWork: 4e9, memoryMb: 512 },
  workFields: ['stages', 'stepsPerStage', 'samples', 'width'],
  work: (c) =>
    2 *
    c.stages *
    c.stepsPerStage *
    (c.train === 'all' ? c.stages : 1 + c.stages / 2) *
    c.samples *
    c.width ** 2 *
    6,
  async run(c, control) {
    const { tf, backend } = await loadTf(control.tfBackend);
    control.backend = backend;
    const inits: BlockInit[] = c.compareWithZero && c.init !== 'zero' ? [c.init, 'zero'] : [c.init];
    const runs: ResidualMlpRun[] = [];
    for (const [r, init] of inits.entries()) {
      const trace = await growResidualMlp(tf, { ...c, init }, (t, bytes) =>
        control.checkpoint(
          (r + t / c.stages) / inits.length,
          `${LABEL[init]}: block ${t} of ${c.stages}`,
          bytes,
        ),
      );
      runs.push({ ...trace, init, label: init === 'stack' ? `${LABEL[init]}, β = ${c.beta}` : LABEL[init] });
    }
    const best = runs.reduce((a, b) =>
      b.validationLossPerStage.at(-1)! < a.validationLossPerStage.at(-1)! ? b : a,
    );
    return {
      runs,
      totalSteps: c.stages * c.stepsPerStage,
      bestByValidation: best.label,
    } satisfies ResidualMlpResult;
  },
  headline: (r) => ({
    label: `validation MSE after ${r.totalSteps} steps (${r.runs[0]!.label})`,
    value: r.runs[0]!.validationLossPerStage.at(-1)!,
  }),
  chart(r) {
    const perStage = lineChart({
      title: 'MSE per stage (one block added per stage)',
      subtitle: `Exploratory (notes §5.4): lowest final validation MSE here — ${r.bestByValidation}`,
      rows: r.runs.flatMap((run) => [
        ...seriesRows(run.trainLossPerStage, { run: run.label, split: 'train' }, { x: 'stage', y: 'mse' }),
        ...seriesRows(
          run.validationLossPerStage,
          { run: run.label, split: 'validation' },
          { x: 'stage', y: 'mse' },
        ),
      ]),
      x: { field: 'stage', title: 'stage (blocks)' },
      y: { field: 'mse', title: 'mean squared error', log: true },
      color: { field: 'run', title: 'init' },
      strokeDash: { field: 'split', title: 'split' },
    });
    const perStep = lineChart({
      title: 'Training MSE per gradient step (dashed lines: growth events)',
      rows: r.runs.flatMap((run) =>
        seriesRows(run.lossPerStep, { run: run.label }, { x: 'step', y: 'mse', maxPoints: 1200 }),
      ),
      x: { field: 'step', title: 'gradient step' },
      y: { field: 'mse', title: 'training MSE', log: true },
      color: { field: 'run', title: 'init' },
      vRules: r.runs[0]!.growthSteps.slice(1).map((s) => ({ value: s, label: '' })),
      height: 200,
    });
    return stackCharts('Growing a residual MLP block by block', [perStage, perStep]);
  },
});
