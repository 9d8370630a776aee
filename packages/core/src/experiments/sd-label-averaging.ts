/**
 * The label-averaging picture of the self-distillation notes (§4.1–§4.3, plots 1–3 of §6): the Gram spectrum,
 * each eigen-direction's shrinkage per round, the averaging weights, and one noisy instance's output moving
 * from its wrong label to its class average.
 */
import { z } from 'zod';
import { barChart, lineChart, type Row, stackCharts } from '../charts/specs.ts';
import { blockGramModel } from '../papers/distill/block-gram.ts';
import { blockProblem, instanceVector } from '../papers/distill/block-problem.ts';
import {
  betweenClassField,
  betweenSuperclassField,
  classesField,
  lambdaField,
  mixingField,
  noiseModelField,
  noiseRateField,
  perClassField,
  roundsField,
  superclassesField,
  withinClassField,
} from '../papers/distill/fields.ts';
import { MIXING_NOTE, RECONSTRUCTION_NOTE } from '../papers/distill/notes.ts';
import { checkNoiseFields } from '../papers/distill/schema-checks.ts';
import { selfDistillationRounds } from '../papers/distill/self-distillation.ts';
import { exactIterationEstimate } from '../papers/distill/solver.ts';
import {
  type AveragingWeightsByRound,
  blockShrinkage,
  distillationFilter,
  labelAveragingWeights,
  perInstanceOutput,
  weightsByRound,
} from '../papers/distill/theory.ts';
import { argmaxWithTies, TIE_RULE } from '../papers/distill/ties.ts';
import { defineExperiment } from './contract.ts';

const schema = z
  .strictObject({
    K: classesField(4),
    n: perClassField(60, 1000),
    c: withinClassField(0.4),
    d: betweenClassField(0.1),
    superclasses: superclassesField,
    e: betweenSuperclassField,
    lambda: lambdaField(1e-3),
    noiseModel: noiseModelField(['symmetric', 'asymmetric', 'pairflip', 'superclass'], 'symmetric'),
    noise: noiseRateField(0.5),
    rounds: roundsField(6, 50),
    mixing: mixingField,
    instance: z
      .int()
      .min(0)
      .max(9999)
      .default(0)
      .describe(
        'Which training instance to follow (0..N−1, numbered class by class). With the deterministic rule the first instances of each class are the corrupted ones, so 0 is a noisy instance of class 0.',
      )
      .meta({ label: 'instance followed' }),
  })
  .superRefine((v, ctx) => {
    if (!(v.d < v.c))
      ctx.addIssue({ code: 'custom', path: ['d'], message: `less than c = ${v.c}`, input: v.d });
    if (v.K % v.superclasses !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['superclasses'],
        message: `a divisor of K = ${v.K}`,
        input: v.superclasses,
      });
    }
    if (v.superclasses > 1 && v.e > v.d)
      ctx.addIssue({ code: 'custom', path: ['e'], message: `at most d = ${v.d}`, input: v.e });
    if (v.instance >= v.K * v.n) {
      ctx.addIssue({
        code: 'custom',
        path: ['instance'],
        message: `an index below N = K·n = ${v.K * v.n}`,
        input: v.instance,
      });
    }
    checkNoiseFields({ ...v, pattern: [], transition: [] }, ctx);
  });

/** The result of one sd-label-averaging run; per-round arrays are indexed by round − 1. */
export interface LabelAveragingResult {
  readonly N: number;
  /** α = K·N·λ. */
  readonly alpha: number;
  /** Distinct Gram eigenvalues μ with multiplicity and one-round shrinkage s = μ/(μ + α). */
  readonly spectrum: { level: string; mu: number; multiplicity: number; s: number }[];
  /** Per eigen-level, the factor applied to that label component after τ rounds: s^τ (f_τ with mixing). */
  readonly shrinkageByRound: { level: string; values: number[] }[];
  /** The per-instance formula's weights per round (own, class, superclass, global, uniform). */
  readonly weights: AveragingWeightsByRound;
  /** The followed instance: its labels, class and global label averages, and outputs per round. */
  readonly instance: {
    readonly index: number;
    readonly trueClass: number;
    readonly givenLabel: number;
    readonly classAverage: number[];
    readonly globalAverage: number[];
    /** Output vectors per round (round × K): linearised solver, per-instance formula, exact softmax. */
    readonly linearised: number[][];
    readonly formula: number[][];
    readonly exact: number[][];
    /** max |formula − linearised solver| over rounds and classes (the notes' oracle: < 1e−12). */
    readonly formulaDeviation: number;
    /** Predicted class per round (tie rule). */
    readonly linearisedClass: number[];
    readonly exactClass: number[];
  };
  readonly tieRule: string;
  readonly note: string;
}

/**
 * sd-label-averaging: how each round re-applies the kernel-ridge smoother M = G(G + αI)⁻¹ to the labels, and
 * what that does to one noisy instance (notes §4.1–§4.3, equal class sizes).
 */
export const sdLabelAveraging = defineExperiment({
  id: 'sd-label-averaging',
  paper: 'distill',
  title: 'Self-distillation as label averaging',
  summary:
    'Each round shrinks the label component along Gram eigenvector j by μ_j/(μ_j + α), so instance-specific directions die first and outputs become averages over the class cluster: watch one mislabelled instance move to its class average. A reconstruction of the paper’s theory (linearised and exact softmax), not its numbers.',
  schemaVersion: 1,
  better: 'higher',
  config: schema,
  limits: { maxMillis: 10_000, maxWork: 2e9, memoryMb: 64 },
  workFields: ['rounds', 'K', 'lambda'],
  work: (c) => c.rounds * (exactIterationEstimate(c.lambda) + 1) * c.K ** 3 * 4,
  async run(c, control) {
    const model = blockGramModel({
      classSizes: new Array<number>(c.K).fill(c.n),
      c: c.c,
      d: c.d,
      superclasses: c.superclasses,
      e: c.e,
    });
    const problem = blockProblem({
      model,
      noise: { model: c.noiseModel, rate: c.noise, superclasses: c.superclasses },
      rule: 'deterministic',
      seed: 0,
    });
    const K = c.K;
    const s = blockShrinkage(model, c.lambda);
    const trueClass = problem.truth[c.instance]!;
    const givenLabel = problem.given[c.instance]!;
    const base = {
      op: problem.op,
      classes: K,
      lambda: c.lambda,
      given: problem.groups.groupLabel,
      mixing: c.mixing,
    };
    const linearised: number[][] = [];
    for (const r of selfDistillationRounds({ ...base, solver: 'linearised' }, c.rounds)) {
      linearised.push(instanceVector(problem, r.solution.outputs, c.instance));
    }
    const exact: number[][] = [];
    for (const r of selfDistillationRounds({ ...base, solver: 'exact' }, c.rounds)) {
      exact.push(instanceVector(problem, r.solution.outputs, c.instance));
      await control.checkpoint(r.round / c.rounds, `exact round ${r.round} of ${c.rounds}`);
    }
    const roundsList = Array.from({ length: c.rounds }, (_, i) => i + 1);
    const w = roundsList.map((t) => labelAveragingWeights(s, t, c.mixing));
    const formula = w.map((weights) =>
      perInstanceOutput({ model, weights, stats: problem.stats, trueClass, label: givenLabel }),
    );
    let formulaDeviation = 0;
    formula.forEach((row, t) => {
      row.forEach((v, k) => {
        formulaDeviation = Math.max(formulaDeviation, Math.abs(v - linearised[t]![k]!));
      });
    });
    return {
      N: problem.truth.length,
      alpha: s.alpha,
      spectrum: s.levels.map((l) => ({ ...l })),
      shrinkageByRound: s.levels.map((l) => ({
        level: l.level,
        values: roundsList.map((t) => distillationFilter(l.s, t, c.mixing)),
      })),
      weights: weightsByRound(w),
      instance: {
        index: c.instance,
        trueClass,
        givenLabel,
        classAverage: Array.from(problem.stats.pi.subarray(trueClass * K, (trueClass + 1) * K)),
        globalAverage: Array.from(problem.stats.labelShare),
        linearised,
        formula,
        exact,
        formulaDeviation,
        linearisedClass: linearised.map((v) => argmaxWithTies(v, K)),
        exactClass: exact.map((v) => argmaxWithTies(v, K)),
      },
      tieRule: TIE_RULE,
      note: c.mixing !== 1 ? `${RECONSTRUCTION_NOTE} ${MIXING_NOTE}` : RECONSTRUCTION_NOTE,
    } satisfies LabelAveragingResult;
  },
  headline: (r) => ({
    label: `class-average weight s2^τ − s3^τ at τ = ${r.weights.class.length} (×100)`,
    value: 100 * r.weights.class.at(-1)!,
  }),
  chart(r) {
    const levelName: Record<string, string> = {
      global: 'global (all-ones)',
      superclass: 'superclass contrasts',
      class: 'class contrasts',
      instance: 'instance (within-class)',
    };
    const shrinkRows: Row[] = r.shrinkageByRound.flatMap((l, j) =>
      l.values
        .map((v, i) => ({
          round: i + 1,
          factor: v,
          direction: `${levelName[l.level] ?? l.level} μ=${r.spectrum[j]!.mu.toPrecision(3)}`,
        }))
        .filter((row) => row.factor > 0),
    );
    const shrink = lineChart({
      title: `Shrinkage of each eigen-direction after τ rounds, α = ${r.alpha.toPrecision(3)}`,
      subtitle: 's_j^τ = (μ_j/(μ_j + α))^τ: instance directions (memorised labels) die first',
      rows: shrinkRows,
      x: { field: 'round', title: 'round τ', integer: true },
      y: { field: 'factor', title: 'factor on the label component', log: true, format: '.2~g' },
      color: { field: 'direction', title: 'eigen-direction' },
      points: true,
      height: 220,
    });
    const parts = ['own label', 'class average', 'superclass average', 'global average', 'uniform'] as const;
    const keys = ['own', 'class', 'superclass', 'global', 'uniform'] as const;
    const weights = barChart({
      title: 'Averaging weights per round (per-instance formula, linearised)',
      rows: r.weights.own.flatMap((_, i) =>
        keys
          .map((k, j) => ({ round: i + 1, weight: r.weights[k][i]!, part: parts[j]! }))
          .filter((row) => row.weight !== 0),
      ),
      x: { field: 'round', title: 'round τ' },
      y: { field: 'weight', title: 'weight in the output' },
      color: { field: 'part', title: 'label average', sort: [...parts] },
      stacked: true,
      height: 200,
    });
    const inst = r.instance;
    const pathRows: Row[] = [];
    const classes = [...new Set([inst.trueClass, inst.givenLabel])];
    for (const [solver, rows] of [
      ['linearised', inst.linearised],
      ['exact softmax', inst.exact],
    ] as const) {
      rows.forEach((v, i) => {
        for (const k of classes) {
          pathRows.push({
            round: i + 1,
            p: v[k]!,
            output: k === inst.trueClass ? `true class ${k}` : `given label ${k}`,
            solver,
          });
        }
      });
    }
    const path = lineChart({
      title: `Instance ${inst.index} (true class ${inst.trueClass}, labelled ${inst.givenLabel}): output per round`,
      subtitle: `Its class average puts ${inst.classAverage[inst.trueClass]!.toFixed(2)} on the true class and ${inst.classAverage[inst.givenLabel]!.toFixed(2)} on the given label`,
      rows: pathRows,
      x: { field: 'round', title: 'round τ (1 = teacher)', integer: true },
      y: { field: 'p', title: 'output probability' },
      color: { field: 'output', title: 'entry' },
      strokeDash: { field: 'solver', title: 'solver' },
      points: true,
      height: 200,
    });
    return stackCharts('Self-distillation as label averaging', [shrink, weights, path]);
  },
});
