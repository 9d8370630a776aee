/**
 * Over noise rates: the teacher, the best round of multi-round SD (and when it happens) and the PLL student,
 * for symmetric and asymmetric noise (notes §4.7, §5.3, Fig. 2 / Appendix C of the paper in spirit).
 */
import { z } from 'zod';
import { lineChart, type Row, stackCharts } from '../charts/specs.ts';
import { blockGramModel } from '../papers/distill/block-gram.ts';
import { withLabels } from '../papers/distill/block-problem.ts';
import {
  betweenClassField,
  classesField,
  corruptionField,
  lambdaField,
  noiseRateField,
  perClassField,
  pllLossField,
  roundsField,
  solverField,
  withinClassField,
} from '../papers/distill/fields.ts';
import { denseGramOperator, type GramOperator } from '../papers/distill/gram.ts';
import { corruptionStats, corruptLabels } from '../papers/distill/noise.ts';
import { RECONSTRUCTION_NOTE } from '../papers/distill/notes.ts';
import {
  accuracyPercent,
  gramOfFeatures,
  predictFromDual,
  randomBlockFeatures,
} from '../papers/distill/random-features.ts';
import { pllStudent, recoveryAccuracy, selfDistillationRounds } from '../papers/distill/self-distillation.ts';
import { exactIterationEstimate } from '../papers/distill/solver.ts';
import { predictRecovery } from '../papers/distill/theory.ts';
import { TIE_RULE } from '../papers/distill/ties.ts';
import { defineExperiment } from './contract.ts';
import { seedField } from './fields.ts';

const SWEEP_MODELS = ['symmetric', 'asymmetric', 'pairflip'] as const;

const schema = z
  .strictObject({
    data: z
      .enum(['random-features', 'block'])
      .default('random-features')
      .describe(
        'random-features: the notes’ Tier B block features with instance-level noise, scored on a held-out test set; block: the exact block Gram, scored by label recovery on the training set.',
      )
      .meta({ label: 'data' }),
    K: classesField(4),
    n: perClassField(50, 200),
    c: withinClassField(0.4),
    d: betweenClassField(0.1),
    p: z
      .int()
      .min(1)
      .max(400)
      .default(50)
      .describe(
        'random-features only: the number p of random ±1 instance features (more features = more room to memorise noise).',
      )
      .meta({ label: 'p (instance features)' }),
    testPerClass: z
      .int()
      .min(10)
      .max(1000)
      .default(250)
      .describe('random-features only: held-out test points per class.')
      .meta({ label: 'test points per class' }),
    lambda: lambdaField(3e-3),
    rates: z
      .array(noiseRateField(0.5).unwrap())
      .min(1)
      .max(10)
      .default([0.1, 0.3, 0.5, 0.6, 0.7])
      .describe('Noise rates η to sweep.')
      .meta({ label: 'η values' }),
    noiseModels: z
      .array(z.enum(SWEEP_MODELS))
      .min(1)
      .max(3)
      .default(['symmetric', 'asymmetric'])
      .describe(
        'Noise models to compare: symmetric, asymmetric (the official code’s: η/K to every other class, η/K more to the next) and pairflip (all to the next class).',
      )
      .meta({ label: 'noise models' }),
    corruption: corruptionField('random'),
    rounds: roundsField(8, 20),
    solver: solverField('linearised'),
    pllLoss: pllLossField('ce'),
    seeds: z
      .int()
      .min(1)
      .max(20)
      .default(4)
      .describe(
        'Number of random data sets (seeds seed, seed+1, …) averaged; deterministic block runs use one.',
      )
      .meta({ label: 'seeds averaged' }),
    seed: seedField,
  })
  .superRefine((v, ctx) => {
    if (!(v.d < v.c))
      ctx.addIssue({ code: 'custom', path: ['d'], message: `less than c = ${v.c}`, input: v.d });
  });

/** A validated sd-noise-sweep config. */
export type NoiseSweepConfig = z.output<typeof schema>;

/** One (noise model, η) cell of the sweep; accuracies in %, averaged over seeds. */
export interface NoiseSweepRow {
  readonly noiseModel: (typeof SWEEP_MODELS)[number];
  readonly rate: number;
  /** Round 1 (the teacher). */
  readonly teacher: number;
  /** The best round of multi-round SD and its accuracy (first round on ties). */
  readonly bestSd: number;
  readonly bestRound: number;
  /** The PLL student (one round on the teacher's top two). */
  readonly pll: number;
  /** Accuracy per round τ = 1..rounds. */
  readonly byRound: number[];
  /** Mean fraction of corrupted training labels. */
  readonly corruptedFraction: number;
  /** Block data only: the notes' τ* (null = never) and plurality condition for the first seed. */
  readonly tauStar?: number | null;
  readonly pluralityHolds?: boolean;
}

/** The result of one sd-noise-sweep run: one row per (noise model, η), averaged over the seeds. */
export interface NoiseSweepResult {
  readonly data: 'random-features' | 'block';
  /** What the accuracies measure. */
  readonly metric: 'test accuracy' | 'label recovery';
  readonly seeds: number;
  readonly rows: NoiseSweepRow[];
  readonly tieRule: string;
  readonly note: string;
}

/** Seed of the label noise for data set `seed` (a separate stream, so every η and model sees the same data). */
const noiseSeed = (seed: number) => (Math.imul(seed + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;

/**
 * sd-noise-sweep: for each noise rate and model, the teacher, the best multi-round SD round and the PLL
 * student (notes §4.7, §5.3). One Gram eigendecomposition per data set, reused by every η and model.
 */
export const sdNoiseSweep = defineExperiment({
  id: 'sd-noise-sweep',
  paper: 'distill',
  title: 'Self-distillation across noise rates',
  summary:
    'Sweep the label-noise rate: the teacher, the best round of multi-round self-distillation and the one-round PLL student, for symmetric and asymmetric noise. Default: the notes’ random block features (Tier B) with test accuracy over 4 seeds — reproductions with the notes’ setup, not the paper’s figures.',
  schemaVersion: 1,
  better: 'higher',
  config: schema,
  limits: { maxMillis: 20_000, maxWork: 1.2e10, memoryMb: 128 },
  workFields: ['seeds', 'rates', 'rounds', 'n', 'p', 'testPerClass', 'solver'],
  work: (c) => {
    const N = c.K * c.n;
    const D = 1 + c.K + c.p;
    const cells = c.rates.length * c.noiseModels.length * (c.rounds + 1);
    const seeds = c.data === 'block' && c.corruption === 'deterministic' ? 1 : c.seeds;
    if (c.data === 'block') {
      const perTraining = c.K ** 3 * 4 * (c.solver === 'exact' ? exactIterationEstimate(c.lambda) : 1);
      return seeds * cells * perTraining;
    }
    const perTraining =
      (c.solver === 'exact' ? exactIterationEstimate(c.lambda) * N * N * c.K : 2 * N * N * c.K) +
      (N + c.K * c.testPerClass) * D * c.K;
    const gce = c.pllLoss === 'gce' ? c.rates.length * c.noiseModels.length * 3000 * N * N * c.K : 0;
    return seeds * (10 * N ** 3 + N * N * D + cells * perTraining + gce);
  },
  async run(c, control) {
    const K = c.K;
    const seeds = c.data === 'block' && c.corruption === 'deterministic' ? 1 : c.seeds;
    type Acc = {
      byRound: number[];
      pll: number;
      corrupted: number;
      tauStar?: number | null;
      plurality?: boolean;
    };
    const cells = new Map<string, Acc[]>();
    const total = seeds * c.noiseModels.length;
    let done = 0;
    for (let s = 0; s < seeds; s++) {
      const seed = c.seed + s;
      // One data set (and one Gram eigendecomposition) per seed.
      const random =
        c.data === 'random-features'
          ? randomBlockFeatures({
              classes: K,
              perClass: c.n,
              testPerClass: c.testPerClass,
              c: c.c,
              d: c.d,
              p: c.p,
              seed,
            })
          : null;
      const dense: GramOperator | null = random ? denseGramOperator(gramOfFeatures(random.train)) : null;
      const model = blockGramModel({ classSizes: new Array<number>(K).fill(c.n), c: c.c, d: c.d });
      const truth = random
        ? random.trainLabels
        : Int32Array.from({ length: K * c.n }, (_, i) => Math.floor(i / c.n));
      for (const noiseModel of c.noiseModels) {
        for (const rate of c.rates) {
          const given = corruptLabels({
            trueLabels: truth,
            noise: { model: noiseModel, rate, classes: K },
            rule: c.corruption,
            seed: noiseSeed(seed),
          });
          let op: GramOperator;
          let columnTruth = truth;
          let columnGiven = given;
          let weights: Float64Array | undefined;
          let extra: Pick<Acc, 'tauStar' | 'plurality'> = {};
          if (dense) {
            op = dense;
          } else {
            const problem = withLabels(model, given);
            op = problem.op;
            columnTruth = problem.groups.groupClass;
            columnGiven = problem.groups.groupLabel;
            weights = problem.groups.groupWeight;
            const prediction = predictRecovery(model, problem.stats, c.lambda);
            extra = { tauStar: prediction.tauStar, plurality: prediction.pluralityHolds };
          }
          const setup = {
            op,
            classes: K,
            lambda: c.lambda,
            given: columnGiven,
            solver: c.solver,
            verify: false,
          };
          const score = (dual: Float64Array, predictions: Int32Array) =>
            random
              ? accuracyPercent(predictFromDual(dual, random.train, random.test, K), random.testLabels)
              : recoveryAccuracy({ predictions, truth: columnTruth, given: columnGiven, weights }).overall;
          const byRound: number[] = [];
          let teacher = null;
          for (const r of selfDistillationRounds(setup, c.rounds)) {
            teacher ??= r.solution;
            byRound.push(score(r.solution.dual, r.predictions));
          }
          const pll = pllStudent(setup, teacher!, c.pllLoss);
          const key = `${noiseModel}:${rate}`;
          const list = cells.get(key) ?? [];
          list.push({
            byRound,
            pll: score(pll.solution.dual, pll.predictions),
            corrupted: corruptionStats(truth, given, K).corruptedFraction,
            ...extra,
          });
          cells.set(key, list);
        }
        done++;
        await control.checkpoint(done / total, `seed ${seed}, ${noiseModel} noise`);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rows: NoiseSweepRow[] = [];
    for (const noiseModel of c.noiseModels) {
      for (const rate of c.rates) {
        const list = cells.get(`${noiseModel}:${rate}`)!;
        const byRound = Array.from({ length: c.rounds }, (_, t) => mean(list.map((a) => a.byRound[t]!)));
        const bestSd = Math.max(...byRound);
        rows.push({
          noiseModel,
          rate,
          teacher: byRound[0]!,
          bestSd,
          bestRound: byRound.indexOf(bestSd) + 1,
          pll: mean(list.map((a) => a.pll)),
          byRound,
          corruptedFraction: mean(list.map((a) => a.corrupted)),
          ...(c.data === 'block'
            ? { tauStar: list[0]!.tauStar ?? null, pluralityHolds: list[0]!.plurality ?? false }
            : {}),
        });
      }
    }
    return {
      data: c.data,
      metric: c.data === 'block' ? 'label recovery' : 'test accuracy',
      seeds,
      rows,
      tieRule: TIE_RULE,
      note:
        c.data === 'block'
          ? RECONSTRUCTION_NOTE
          : `Random block features (notes §5.3, Tier B: x = [√d, √(c−d)·e_y, √((1−c)/p)·ξ], ξ ∈ {±1}^p), a held-out test set, mean over ${seeds} seeds. The notes report only the shape (rise then decline, PLL between teacher and best SD); the digits depend on the generator. ${RECONSTRUCTION_NOTE}`,
    } satisfies NoiseSweepResult;
  },
  headline: (r) => ({
    label: `mean gain of the best SD round over the teacher (${r.metric}, percentage points)`,
    value: r.rows.reduce((s, row) => s + row.bestSd - row.teacher, 0) / r.rows.length,
    unit: 'points',
  }),
  chart(r) {
    const models = [...new Set(r.rows.map((row) => row.noiseModel))];
    const charts = models.map((m) => {
      const rows: Row[] = r.rows
        .filter((row) => row.noiseModel === m)
        .flatMap((row) => [
          { rate: row.rate, accuracy: row.teacher, method: 'teacher (τ = 1)' },
          { rate: row.rate, accuracy: row.bestSd, method: 'best SD round' },
          { rate: row.rate, accuracy: row.pll, method: 'PLL student' },
        ]);
      return lineChart({
        title: `${m} noise: ${r.metric} against the noise rate`,
        subtitle:
          r.data === 'block'
            ? 'Exact block Gram (notes Tier A)'
            : `Random block features, held-out test set, mean of ${r.seeds} seeds (notes Tier B)`,
        rows,
        x: { field: 'rate', title: 'noise rate η' },
        y: { field: 'accuracy', title: `${r.metric} (%)` },
        color: {
          field: 'method',
          title: 'method',
          sort: ['teacher (τ = 1)', 'best SD round', 'PLL student'],
        },
        points: true,
        height: 220,
      });
    });
    return stackCharts('Self-distillation and the PLL student across noise rates', charts);
  },
});
