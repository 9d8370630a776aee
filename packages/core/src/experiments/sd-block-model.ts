/**
 * Tier A of the self-distillation notes (§5.2): multi-round SD on an exact block Gram with corrupted labels,
 * label recovery per round next to the predicted τ* and the PLL student.
 */
import { z } from 'zod';
import { barChart, lineChart, type Row, stackCharts } from '../charts/specs.ts';
import { blockGramModel } from '../papers/distill/block-gram.ts';
import { type BlockProblem, blockProblem } from '../papers/distill/block-problem.ts';
import {
  allNoiseModels,
  betweenClassField,
  betweenSuperclassField,
  corruptionField,
  lambdaField,
  mixingField,
  noiseModelField,
  noiseRateField,
  pllLossField,
  roundsField,
  solverField,
  superclassesField,
  withinClassField,
} from '../papers/distill/fields.ts';
import { MIXING_NOTE, RECONSTRUCTION_NOTE } from '../papers/distill/notes.ts';
import { checkBlockModelConfig } from '../papers/distill/schema-checks.ts';
import {
  type DistillationSetup,
  firstPerfectRound,
  pllStudent,
  type RecoveryAccuracy,
  recoveryAccuracy,
  selfDistillationRounds,
} from '../papers/distill/self-distillation.ts';
import { exactIterationEstimate } from '../papers/distill/solver.ts';
import {
  type AveragingWeightsByRound,
  blockShrinkage,
  classAveragingWeights,
  labelAveragingWeights,
  pllCondition,
  predictRecovery,
  type RecoveryPrediction,
  weightsByRound,
} from '../papers/distill/theory.ts';
import { TIE_RULE } from '../papers/distill/ties.ts';
import { defineExperiment } from './contract.ts';
import { seedField } from './fields.ts';

const schema = z
  .strictObject({
    classSizes: z
      .array(z.int().min(1).max(1000))
      .min(2)
      .max(10)
      .default([50, 50, 50, 50])
      .describe(
        'Class sizes n_1..n_K: one whole number per class, so the list also sets K (e.g. [72, 60, 60, 48] for unequal classes).',
      )
      .meta({ label: 'class sizes' }),
    c: withinClassField(0.4),
    d: betweenClassField(0.1),
    superclasses: superclassesField,
    e: betweenSuperclassField,
    lambda: lambdaField(1e-3),
    noiseModel: noiseModelField(allNoiseModels, 'symmetric'),
    noise: noiseRateField(0.6),
    pattern: z
      .array(z.number().min(0).max(1e6))
      .min(2)
      .max(10)
      .default([24, 18, 9, 9])
      .describe(
        'Pattern model only: K relative weights, one per offset j = 0..K−1; class b gets label (b + j) mod K for that share (j = 0 stays clean). Default: the notes’ table C counts of 60.',
      )
      .meta({ label: 'pattern' }),
    transition: z
      .array(z.array(z.number().min(0).max(1)).min(2).max(10))
      .min(2)
      .max(10)
      .default([
        [0.7, 0.3, 0, 0],
        [0, 0.7, 0.3, 0],
        [0, 0, 0.7, 0.3],
        [0.3, 0, 0, 0.7],
      ])
      .describe(
        'Matrix model only: the K×K transition matrix; row b (summing to 1) is the distribution of the given label of class b.',
      )
      .meta({ label: 'transition matrix' }),
    corruption: corruptionField('deterministic'),
    seed: seedField,
    rounds: roundsField(10, 50),
    solver: solverField('exact'),
    mixing: mixingField,
    pllLoss: pllLossField('ce'),
  })
  .superRefine(checkBlockModelConfig);

/** A validated sd-block-model config. */
export type BlockModelConfig = z.output<typeof schema>;

/** The result of one sd-block-model run; per-round quantities are arrays indexed by round − 1. */
export interface BlockModelResult {
  readonly N: number;
  readonly classSizes: number[];
  /** α = K·N·λ. */
  readonly alpha: number;
  /** Shrinkage factors s = μ/(μ + α): global s1, superclass, class s2, instance s3, and s2/s3. */
  readonly shrinkage: { global: number; superclass: number; class: number; instance: number; ratio: number };
  /** Distinct Gram eigenvalues μ with multiplicity and factor s. */
  readonly spectrum: { level: string; mu: number; multiplicity: number; s: number }[];
  readonly noise: {
    model: string;
    rate: number;
    rule: string;
    corruptedFraction: number;
    pi: number[][];
    labelShare: number[];
  };
  /** The notes' 100 % condition and τ* (formula). */
  readonly theory: RecoveryPrediction;
  readonly solver: 'exact' | 'linearised';
  readonly mixing: number;
  /** Label recovery % per round (against the true labels): all, clean and corrupted instances. */
  readonly accuracy: { overall: number[]; clean: (number | null)[]; corrupted: (number | null)[] };
  /** First round with 100 % recovery with the chosen solver. */
  readonly firstPerfectRound: number | null;
  /** The linearised solver's per-round recovery and first 100 % round (for comparison with the exact one). */
  readonly linearised: { overall: number[]; firstPerfectRound: number | null };
  /** Solver diagnostics per round. */
  readonly solverStats: { iterations: number[]; residual: number[]; allConverged: boolean };
  /**
   * Linearised averaging weights per round (notes §4.3): own label, class average, superclass average, global
   * average, uniform. Exact for equal class sizes; otherwise `classWeights` holds the exact decomposition.
   */
  readonly weights: AveragingWeightsByRound & { exact: boolean };
  /** Unequal sizes only: per round, for each class b, Ω_bb (own class average), Σ_{a≠b} Ω_ba, and uniform. */
  readonly classWeights: { ownClass: number[][]; otherClasses: number[][]; uniform: number[][] } | null;
  readonly pll: {
    readonly loss: 'ce' | 'gce';
    readonly accuracy: RecoveryAccuracy;
    /** Per class b, the label most often the teacher's second candidate. */
    readonly runnerUp: number[];
    readonly trueLabelAlwaysCandidate: boolean;
    readonly sharedWrongCandidate: boolean;
    readonly conditionHolds: boolean;
    readonly iterations: number;
    readonly residual: number;
  };
  readonly tieRule: string;
  readonly note: string;
}

const accuracyOf = (problem: BlockProblem, predictions: Int32Array) =>
  recoveryAccuracy({
    predictions,
    truth: problem.groups.groupClass,
    given: problem.groups.groupLabel,
    weights: problem.groups.groupWeight,
  });

/** Builds the labelled block problem of a config. */
export function blockProblemOf(c: BlockModelConfig): BlockProblem {
  const model = blockGramModel({
    classSizes: c.classSizes,
    c: c.c,
    d: c.d,
    superclasses: c.superclasses,
    e: c.e,
  });
  return blockProblem({
    model,
    noise: {
      model: c.noiseModel,
      rate: c.noise,
      superclasses: c.superclasses,
      pattern: c.pattern,
      matrix: c.transition,
    },
    rule: c.corruption,
    seed: c.seed,
  });
}

/**
 * sd-block-model: multi-round SD on the exact block Gram (notes §4.2–§4.6, §5.2), with label recovery per
 * round, the averaging weights, the predicted condition and τ*, and the PLL student.
 */
export const sdBlockModel = defineExperiment({
  id: 'sd-block-model',
  paper: 'distill',
  title: 'Self-distillation on the block Gram model',
  summary:
    'Multi-round self-distillation averages labels within correlated classes: with label noise it recovers every true label from the round τ* the notes’ formula predicts, and one PLL student (½/½ on the teacher’s top two) can do the same in one round. Exact block Gram, a reconstruction of the paper’s theory — not its numbers.',
  schemaVersion: 1,
  better: 'lower',
  config: schema,
  limits: { maxMillis: 10_000, maxWork: 2e9, memoryMb: 64 },
  workFields: ['rounds', 'classSizes', 'lambda', 'solver'],
  work: (c) => {
    const perStep = c.classSizes.length ** 3 * 4;
    const trainings = c.rounds + 1;
    return c.solver === 'exact'
      ? trainings * exactIterationEstimate(c.lambda) * perStep + trainings * perStep
      : trainings * perStep;
  },
  usesSeed: (c) => c.corruption === 'random',
  async run(c, control) {
    const problem = blockProblemOf(c);
    const { model, stats } = problem;
    const K = model.classSizes.length;
    const s = blockShrinkage(model, c.lambda);
    const theory = predictRecovery(model, stats, c.lambda);
    const setup: DistillationSetup = {
      op: problem.op,
      classes: K,
      lambda: c.lambda,
      given: problem.groups.groupLabel,
      solver: c.solver,
      mixing: c.mixing,
    };
    const acc: RecoveryAccuracy[] = [];
    const iterations: number[] = [];
    const residual: number[] = [];
    let allConverged = true;
    let teacher = null;
    for (const r of selfDistillationRounds(setup, c.rounds)) {
      teacher ??= r.solution;
      acc.push(accuracyOf(problem, r.predictions));
      iterations.push(r.solution.iterations);
      residual.push(r.solution.residual);
      allConverged &&= r.solution.converged;
      await control.checkpoint(
        r.round / (c.rounds + 2),
        `round ${r.round} of ${c.rounds}: ${acc.at(-1)!.overall.toFixed(2)} %`,
      );
    }
    const linearisedOverall =
      c.solver === 'linearised'
        ? acc.map((a) => a.overall)
        : [...selfDistillationRounds({ ...setup, solver: 'linearised' }, c.rounds)].map(
            (r) => accuracyOf(problem, r.predictions).overall,
          );
    await control.checkpoint((c.rounds + 1) / (c.rounds + 2), 'PLL student');
    const pll = pllStudent(setup, teacher!, c.pllLoss);
    const cond = pllCondition({
      candidates: pll.candidates,
      truth: problem.groups.groupClass,
      weights: problem.groups.groupWeight,
      classes: K,
    });
    const runnerUp = Array.from({ length: K }, (_, b) => {
      const votes = new Float64Array(K);
      problem.groups.groupClass.forEach((cls, j) => {
        if (cls === b) votes[pll.candidates[2 * j + 1]!]! += problem.groups.groupWeight[j]!;
      });
      return votes.indexOf(Math.max(...votes));
    });

    const roundsList = Array.from({ length: c.rounds }, (_, i) => i + 1);
    const w = roundsList.map((t) => labelAveragingWeights(s, t, c.mixing));
    const classWeights = s.exact
      ? null
      : (() => {
          const all = roundsList.map((t) => classAveragingWeights(model, c.lambda, t, c.mixing));
          return {
            ownClass: all.map((cw) => cw.omega.map((row, b) => row[b]!)),
            otherClasses: all.map((cw) =>
              cw.omega.map((row, b) => row.reduce((sum, v, a) => (a === b ? sum : sum + v), 0)),
            ),
            uniform: all.map((cw) => cw.uniform),
          };
        })();
    const overall = acc.map((a) => a.overall);
    return {
      N: problem.truth.length,
      classSizes: [...model.classSizes],
      alpha: s.alpha,
      shrinkage: {
        global: s.sGlobal,
        superclass: s.sSuperclass,
        class: s.sClass,
        instance: s.sInstance,
        ratio: s.ratio,
      },
      spectrum: s.levels.map((l) => ({ ...l })),
      noise: {
        model: c.noiseModel,
        rate: c.noise,
        rule: c.corruption,
        corruptedFraction: stats.corruptedFraction,
        pi: Array.from({ length: K }, (_, b) => Array.from(stats.pi.subarray(b * K, (b + 1) * K))),
        labelShare: Array.from(stats.labelShare),
      },
      theory,
      solver: c.solver,
      mixing: c.mixing,
      accuracy: { overall, clean: acc.map((a) => a.clean), corrupted: acc.map((a) => a.corrupted) },
      firstPerfectRound: firstPerfectRound(overall),
      linearised: { overall: linearisedOverall, firstPerfectRound: firstPerfectRound(linearisedOverall) },
      solverStats: { iterations, residual, allConverged },
      weights: { ...weightsByRound(w), exact: s.exact },
      classWeights,
      pll: {
        loss: c.pllLoss,
        accuracy: accuracyOf(problem, pll.predictions),
        runnerUp,
        trueLabelAlwaysCandidate: cond.trueLabelAlwaysCandidate,
        sharedWrongCandidate: cond.sharedWrongCandidate,
        conditionHolds: cond.holds,
        iterations: pll.solution.iterations,
        residual: pll.solution.residual,
      },
      tieRule: TIE_RULE,
      note: c.mixing !== 1 ? `${RECONSTRUCTION_NOTE} ${MIXING_NOTE}` : RECONSTRUCTION_NOTE,
    } satisfies BlockModelResult;
  },
  headline: (r) => ({
    label: `first round with 100 % label recovery (${r.solver}; τ* formula ${r.theory.tauStar ?? 'never'})`,
    value: r.firstPerfectRound,
    unit: 'rounds',
  }),
  chart(r) {
    const rows: Row[] = [];
    const series: [string, (number | null)[]][] = [
      ['all instances', r.accuracy.overall],
      ['clean labels', r.accuracy.clean],
      ['corrupted labels', r.accuracy.corrupted],
    ];
    if (r.solver === 'exact') series.push(['all (linearised)', r.linearised.overall]);
    for (const [name, values] of series) {
      values.forEach((v, i) => {
        if (v !== null) rows.push({ round: i + 1, accuracy: v, series: name });
      });
    }
    const accuracy = lineChart({
      title: `Label recovery per round (${r.solver} solver), N = ${r.N}, α = ${r.alpha.toPrecision(3)}`,
      subtitle: `τ* = ${r.theory.tauStar ?? 'never'} by the notes’ formula (a reconstruction); PLL student: ${r.pll.accuracy.overall.toFixed(1)} %`,
      rows,
      x: { field: 'round', title: 'round τ (1 = teacher)', integer: true },
      y: { field: 'accuracy', title: 'recovery of true labels (%)' },
      color: { field: 'series', title: 'instances', sort: series.map(([n]) => n) },
      points: true,
      hRules: [
        { value: r.pll.accuracy.overall, label: `PLL student ${r.pll.accuracy.overall.toFixed(1)} %` },
      ],
      vRules:
        r.theory.tauStar !== null && r.theory.tauStar <= r.accuracy.overall.length
          ? [{ value: r.theory.tauStar, label: 'τ* (formula)' }]
          : [],
    });
    const parts = ['own label', 'class average', 'superclass average', 'global average', 'uniform'] as const;
    const keys = ['own', 'class', 'superclass', 'global', 'uniform'] as const;
    const weightRows: Row[] = r.weights.own.flatMap((_, i) =>
      keys
        .map((k, j) => ({ round: i + 1, weight: r.weights[k][i]!, part: parts[j]! }))
        .filter((row) => row.weight !== 0),
    );
    const weights = barChart({
      title: `Averaging weights per round (linearised${r.weights.exact ? '' : ', equal-size approximation'})`,
      rows: weightRows,
      x: { field: 'round', title: 'round τ' },
      y: { field: 'weight', title: 'weight in the output' },
      color: { field: 'part', title: 'label average', sort: [...parts] },
      stacked: true,
      height: 200,
    });
    return stackCharts('Self-distillation on the block Gram model', [accuracy, weights]);
  },
});
