/**
 * The solvers against independent computations: weight-decayed softmax regression trained by plain gradient
 * descent on explicit features (≤ 1e−6), the linearised closed form against iterating the linearised fixed
 * point, grouped against per-instance and dense operators, and the per-instance formula (< 1e−12).
 */
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../math/eigen.ts';
import { type Matrix, matmulTransB } from '../../math/matrix.ts';
import { blockGramFeatures, blockGramMatrix, blockGramModel } from './block-gram.ts';
import { blockProblem, instanceVector } from './block-problem.ts';
import { blockGramOperator, denseGramOperator, type GramOperator } from './gram.ts';
import { corruptLabels } from './noise.ts';
import { gramOfFeatures, randomBlockFeatures } from './random-features.ts';
import { oneHot, runSelfDistillation } from './self-distillation.ts';
import {
  linearisedClosedForm,
  linearisedRound,
  softmaxRows,
  solveFixedPoint,
  solvePartialLabelGce,
} from './solver.ts';
import { blockShrinkage, classAveragingWeights, labelAveragingWeights, perInstanceOutput } from './theory.ts';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/**
 * Plain gradient descent on W (K×D) for L(W) = (1/N) Σ_i CE(t_i, softmax(W x_i)) + (λ/2)‖W‖², step 1/L with
 * L = λ + μ_max/(2N), until ‖∇L‖_∞ < 1e−13. Independent of the kernel-form solver: primal, no momentum.
 */
function gradientDescentOnFeatures(X: Matrix, T: Float64Array, K: number, lambda: number): Float64Array {
  const N = X.rows;
  const D = X.cols;
  const muMax = symmetricEigen(matmulTransB(X, X)).values[0]!;
  const lr = 1 / (lambda + muMax / (2 * N));
  const W = new Float64Array(K * D);
  const Z = new Float64Array(N * K);
  const P = new Float64Array(N * K);
  const grad = new Float64Array(K * D);
  for (let step = 0; step < 200_000; step++) {
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += W[k * D + j]! * X.data[i * D + j]!;
        Z[i * K + k] = s;
      }
    }
    softmaxRows(Z, K, P);
    let norm = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let i = 0; i < N; i++) s += (P[i * K + k]! - T[i * K + k]!) * X.data[i * D + j]!;
        const g = s / N + lambda * W[k * D + j]!;
        grad[k * D + j] = g;
        norm = Math.max(norm, Math.abs(g));
      }
    }
    if (norm < 1e-13) break;
    for (let i = 0; i < W.length; i++) W[i]! -= lr * grad[i]!;
  }
  return Float64Array.from(P);
}

describe('exact solver = weight-decayed softmax regression trained by gradient descent on features', () => {
  it('block Gram: explicit features X Xᵀ = G, teacher and a soft-target student agree to ≤ 1e−6', () => {
    const model = blockGramModel({ classSizes: [8, 6, 7], c: 0.5, d: 0.15 });
    const X = blockGramFeatures(model);
    expect(maxDiff(matmulTransB(X, X).data, blockGramMatrix(model).data)).toBeLessThan(1e-14);
    const problem = blockProblem({
      model,
      noise: { model: 'symmetric', rate: 0.3 },
      rule: 'deterministic',
      seed: 1,
    });
    const lambda = 1e-2;
    const setup = {
      op: problem.op,
      classes: 3,
      lambda,
      given: problem.groups.groupLabel,
      solver: 'exact' as const,
    };
    const [teacher, student] = runSelfDistillation(setup, 2);
    const Y = oneHot(problem.given, 3);
    const gdTeacher = gradientDescentOnFeatures(X, Y, 3, lambda);
    const gdStudent = gradientDescentOnFeatures(
      X,
      expandGroups(problem.groups.groupOf, teacher!.solution.outputs, 3),
      3,
      lambda,
    );
    expect(
      maxDiff(expandGroups(problem.groups.groupOf, teacher!.solution.outputs, 3), gdTeacher),
    ).toBeLessThanOrEqual(1e-6);
    expect(
      maxDiff(expandGroups(problem.groups.groupOf, student!.solution.outputs, 3), gdStudent),
    ).toBeLessThanOrEqual(1e-6);
    expect(teacher!.solution.converged).toBe(true);
  });

  it('dense Gram of random features: agreement ≤ 1e−6, and the dual gives W = A·X', () => {
    const data = randomBlockFeatures({
      classes: 3,
      perClass: 10,
      testPerClass: 1,
      c: 0.4,
      d: 0.1,
      p: 12,
      seed: 5,
    });
    const given = corruptLabels({
      trueLabels: data.trainLabels,
      noise: { model: 'symmetric', rate: 0.3, classes: 3 },
      rule: 'random',
      seed: 9,
    });
    const op = denseGramOperator(gramOfFeatures(data.train));
    const lambda = 5e-3;
    const sol = solveFixedPoint({ op, targets: oneHot(given, 3), classes: 3, lambda });
    expect(sol.residual).toBeLessThan(1e-9);
    const gd = gradientDescentOnFeatures(data.train, oneHot(given, 3), 3, lambda);
    expect(maxDiff(sol.outputs, gd)).toBeLessThanOrEqual(1e-6);
    // Outputs recomputed from W = A·X match the solver's P.
    const D = data.train.cols;
    const W = new Float64Array(3 * D);
    for (let i = 0; i < 30; i++)
      for (let k = 0; k < 3; k++)
        for (let j = 0; j < D; j++) W[k * D + j]! += sol.dual[i * 3 + k]! * data.train.data[i * D + j]!;
    const Z = new Float64Array(90);
    for (let i = 0; i < 30; i++)
      for (let k = 0; k < 3; k++)
        for (let j = 0; j < D; j++) Z[i * 3 + k]! += W[k * D + j]! * data.train.data[i * D + j]!;
    expect(maxDiff(softmaxRows(Z, 3), sol.outputs)).toBeLessThan(1e-9);
  });
});

/** Per-instance rows from per-group rows. */
function expandGroups(groupOf: Int32Array, rows: Float64Array, K: number): Float64Array {
  const out = new Float64Array(groupOf.length * K);
  groupOf.forEach((g, i) => {
    out.set(rows.subarray(g * K, (g + 1) * K), i * K);
  });
  return out;
}

describe('linearised solver', () => {
  const model = blockGramModel({ classSizes: [12, 10, 9, 11], c: 0.45, d: 0.1, superclasses: 2, e: 0.02 });
  const problem = blockProblem({
    model,
    noise: { model: 'superclass', rate: 0.4, superclasses: 2 },
    rule: 'deterministic',
    seed: 1,
  });
  const ops: [string, GramOperator, Int32Array][] = [
    ['block (grouped)', problem.op, problem.groups.groupLabel],
    ['dense', denseGramOperator(blockGramMatrix(model)), problem.given],
  ];
  for (const [name, op, given] of ops) {
    it(`${name}: the closed form equals iterating the linearised fixed point, round by round (≤ 1e−9)`, () => {
      let targets = oneHot(given, 4);
      for (let round = 1; round <= 4; round++) {
        const closed = linearisedRound({ op, targets, classes: 4, lambda: 2e-3 });
        const iterated = solveFixedPoint({
          op,
          targets,
          classes: 4,
          lambda: 2e-3,
          link: 'linearised',
          tolerance: 1e-12,
        });
        expect(iterated.converged).toBe(true);
        expect(closed.residual).toBeLessThan(1e-10);
        expect(maxDiff(closed.outputs, iterated.outputs)).toBeLessThanOrEqual(1e-9);
        targets = closed.outputs;
      }
    });

    it(`${name}: τ rounds equal the one-shot filter (Y − U)·M^τ`, () => {
      const rounds = runSelfDistillation({ op, classes: 4, lambda: 2e-3, given, solver: 'linearised' }, 6);
      for (const r of rounds) {
        const closed = linearisedClosedForm({
          op,
          labels: oneHot(given, 4),
          classes: 4,
          lambda: 2e-3,
          round: r.round,
        });
        expect(maxDiff(r.solution.outputs, closed)).toBeLessThan(1e-12);
      }
    });
  }

  it('block, dense and per-instance operators agree (linearised ≤ 1e−10, exact ≤ 1e−8)', () => {
    const perInstance = blockGramOperator(model);
    const dense = denseGramOperator(blockGramMatrix(model));
    const lambda = 2e-3;
    for (const solver of ['linearised', 'exact'] as const) {
      const grouped = runSelfDistillation(
        { op: problem.op, classes: 4, lambda, given: problem.groups.groupLabel, solver },
        3,
      );
      const each = runSelfDistillation(
        { op: perInstance, classes: 4, lambda, given: problem.given, solver },
        3,
      );
      const full = runSelfDistillation({ op: dense, classes: 4, lambda, given: problem.given, solver }, 3);
      grouped.forEach((g, t) => {
        const expanded = expandGroups(problem.groups.groupOf, g.solution.outputs, 4);
        expect(maxDiff(expanded, each[t]!.solution.outputs)).toBeLessThan(1e-12);
        expect(maxDiff(expanded, full[t]!.solution.outputs)).toBeLessThan(
          solver === 'linearised' ? 1e-10 : 1e-8,
        );
      });
    }
  });
});

describe('the per-instance formula (notes §4.3) against the linearised solver (< 1e−12)', () => {
  it('two-level model, canonical η = 0.5: every instance, rounds 1..6', () => {
    const model = blockGramModel({ classSizes: [60, 60, 60, 60], c: 0.4, d: 0.1 });
    const problem = blockProblem({
      model,
      noise: { model: 'symmetric', rate: 0.5 },
      rule: 'deterministic',
      seed: 1,
    });
    const s = blockShrinkage(model, 1e-3);
    const rounds = runSelfDistillation(
      { op: problem.op, classes: 4, lambda: 1e-3, given: problem.groups.groupLabel, solver: 'linearised' },
      6,
    );
    for (const r of rounds) {
      const w = labelAveragingWeights(s, r.round);
      expect(w.own + w.class + w.superclass + w.global + w.uniform).toBeCloseTo(1, 14);
      for (const i of [0, 1, 2, 29, 30, 59, 60, 119, 239]) {
        const formula = perInstanceOutput({
          model,
          weights: w,
          stats: problem.stats,
          trueClass: problem.truth[i]!,
          label: problem.given[i]!,
        });
        expect(maxDiff(formula, instanceVector(problem, r.solution.outputs, i))).toBeLessThan(1e-12);
      }
    }
  });

  it('superclass model with superclass noise and ξ = 1.5 mixing (the extension)', () => {
    const model = blockGramModel({
      classSizes: [40, 40, 40, 40, 40, 40],
      c: 0.5,
      d: 0.35,
      superclasses: 2,
      e: 0.05,
    });
    const problem = blockProblem({
      model,
      noise: { model: 'superclass', rate: 0.4, superclasses: 2 },
      rule: 'deterministic',
      seed: 1,
    });
    const s = blockShrinkage(model, 1e-3);
    expect(s.levels.map((l) => l.level)).toEqual(['global', 'superclass', 'class', 'instance']);
    const rounds = runSelfDistillation(
      {
        op: problem.op,
        classes: 6,
        lambda: 1e-3,
        given: problem.groups.groupLabel,
        solver: 'linearised',
        mixing: 1.5,
      },
      5,
    );
    for (const r of rounds) {
      const w = labelAveragingWeights(s, r.round, 1.5);
      for (const i of [0, 13, 39, 40, 200, 239]) {
        const formula = perInstanceOutput({
          model,
          weights: w,
          stats: problem.stats,
          trueClass: problem.truth[i]!,
          label: problem.given[i]!,
        });
        expect(maxDiff(formula, instanceVector(problem, r.solution.outputs, i))).toBeLessThan(1e-12);
      }
    }
  });

  it('unequal class sizes: the exact class weights Ω reproduce every output', () => {
    const model = blockGramModel({ classSizes: [72, 60, 60, 48], c: 0.4, d: 0.1 });
    const problem = blockProblem({
      model,
      noise: { model: 'symmetric', rate: 0.3 },
      rule: 'deterministic',
      seed: 1,
    });
    const rounds = runSelfDistillation(
      { op: problem.op, classes: 4, lambda: 4e-3, given: problem.groups.groupLabel, solver: 'linearised' },
      20,
    );
    const pi = problem.stats.pi;
    for (const r of rounds.filter((x) => [1, 5, 17, 20].includes(x.round))) {
      const { own, omega, uniform } = classAveragingWeights(model, 4e-3, r.round);
      for (const i of [0, 71, 72, 200, 239]) {
        const b = problem.truth[i]!;
        const want = Array.from({ length: 4 }, (_, k) => {
          let v = own * (problem.given[i] === k ? 1 : 0) + uniform[b]! / 4;
          for (let a = 0; a < 4; a++) v += omega[b]![a]! * pi[a * 4 + k]!;
          return v;
        });
        expect(maxDiff(want, instanceVector(problem, r.solution.outputs, i))).toBeLessThan(1e-12);
      }
    }
  });
});

describe('PLL student with GCE (official code)', () => {
  it('teacher and zero initialisation reach the same stationary point (notes §4.7)', () => {
    const data = randomBlockFeatures({
      classes: 4,
      perClass: 15,
      testPerClass: 1,
      c: 0.4,
      d: 0.1,
      p: 20,
      seed: 3,
    });
    const op = denseGramOperator(gramOfFeatures(data.train));
    const given = corruptLabels({
      trueLabels: data.trainLabels,
      noise: { model: 'symmetric', rate: 0.5, classes: 4 },
      rule: 'random',
      seed: 4,
    });
    const teacher = solveFixedPoint({ op, targets: oneHot(given, 4), classes: 4, lambda: 5e-3 });
    const cand = new Float64Array(60 * 4);
    for (let i = 0; i < 60; i++) {
      const row = Array.from(teacher.outputs.subarray(i * 4, i * 4 + 4));
      const order = row.map((v, k) => [v, k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      cand[i * 4 + order[0]![1]] = 0.5;
      cand[i * 4 + order[1]![1]] = 0.5;
    }
    const fromTeacher = solvePartialLabelGce({
      op,
      candidates: cand,
      classes: 4,
      lambda: 5e-3,
      init: teacher.dual,
      tolerance: 1e-10,
      maxIterations: 50_000,
    });
    const fromZero = solvePartialLabelGce({
      op,
      candidates: cand,
      classes: 4,
      lambda: 5e-3,
      tolerance: 1e-10,
      maxIterations: 50_000,
    });
    expect(fromTeacher.converged && fromZero.converged).toBe(true);
    expect(maxDiff(fromTeacher.outputs, fromZero.outputs)).toBeLessThan(1e-8);
  });
});

describe('softmax', () => {
  it('is stable for large logits and rows sum to 1', () => {
    const p = softmaxRows(Float64Array.from([1000, 1001, 999, -1e6, 0, 1e6]), 3);
    expect(p[1]).toBeGreaterThan(p[0]!);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 15);
    expect(p[5]).toBe(1);
  });
});
