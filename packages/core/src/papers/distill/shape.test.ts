/**
 * Tiers B and C of the notes (§5.3, §5.4, §4.7), where only the shape is a target (§5.6: "shape only —
 * rise/decline, ranking; digits depend on the PRNG").
 */
import { describe, expect, it } from 'vitest';
import { blockGramModel } from './block-gram.ts';
import { blockProblem } from './block-problem.ts';
import { denseGramOperator } from './gram.ts';
import { corruptLabels } from './noise.ts';
import { accuracyPercent, gramOfFeatures, predictFromDual, randomBlockFeatures } from './random-features.ts';
import { pllStudent, recoveryAccuracy, runSelfDistillation } from './self-distillation.ts';

/** Mean test accuracy per round, of PLL-CE and (optionally) PLL-GCE over seeds 1..seeds (K = 4, n = 50, 250 test/class). */
function tierB({
  p,
  lambda,
  eta,
  seeds,
  gce = false,
}: {
  p: number;
  lambda: number;
  eta: number;
  seeds: number;
  gce?: boolean;
}) {
  const rounds = new Array<number>(8).fill(0);
  let ce = 0;
  let gceAcc = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const data = randomBlockFeatures({
      classes: 4,
      perClass: 50,
      testPerClass: 250,
      c: 0.4,
      d: 0.1,
      p,
      seed,
    });
    const op = denseGramOperator(gramOfFeatures(data.train));
    const given = corruptLabels({
      trueLabels: data.trainLabels,
      noise: { model: 'symmetric', rate: eta, classes: 4 },
      rule: 'random',
      seed: 1000 + seed,
    });
    const test = (dual: Float64Array) =>
      accuracyPercent(predictFromDual(dual, data.train, data.test, 4), data.testLabels) / seeds;
    const setup = { op, classes: 4, lambda, given, solver: 'linearised' as const };
    const rs = runSelfDistillation(setup, 8);
    rs.forEach((r, t) => {
      rounds[t]! += test(r.solution.dual);
    });
    ce += test(pllStudent(setup, rs[0]!.solution).solution.dual);
    if (gce) {
      const exact = { ...setup, solver: 'exact' as const };
      gceAcc += test(pllStudent(exact, runSelfDistillation(exact, 1)[0]!.solution, 'gce').solution.dual);
    }
  }
  return { rounds, ce, gce: gceAcc };
}

describe('Tier B: random block features with a held-out test set', () => {
  it('p = 50, λ = 5e−3, η = 0.6: test accuracy rises, then declines; PLL-CE lies between the teacher and the best SD round', () => {
    const { rounds, ce } = tierB({ p: 50, lambda: 5e-3, eta: 0.6, seeds: 10 });
    const best = Math.max(...rounds);
    const at = rounds.indexOf(best) + 1;
    expect(at).toBeGreaterThanOrEqual(2);
    expect(at).toBeLessThanOrEqual(5);
    expect(best - rounds[0]!).toBeGreaterThan(5);
    expect(best - rounds[7]!).toBeGreaterThan(5);
    expect(ce).toBeGreaterThan(rounds[0]!);
    expect(ce).toBeLessThan(best);
  });

  it('p = 200, λ = 1e−3, η = 0.5: SD climbs to ≈ 100 % while PLL-CE stays well below', () => {
    const { rounds, ce } = tierB({ p: 200, lambda: 1e-3, eta: 0.5, seeds: 4 });
    expect(rounds[0]!).toBeLessThan(85);
    expect(Math.max(...rounds)).toBeGreaterThan(97);
    expect(ce).toBeLessThan(Math.max(...rounds) - 5);
  });

  it('PLL with the official GCE (q = 0.7, from the teacher) beats PLL-CE on random features (§4.7)', () => {
    const { ce, gce } = tierB({ p: 50, lambda: 1e-3, eta: 0.5, seeds: 3, gce: true });
    expect(gce).toBeGreaterThan(ce + 5);
  });
});

describe('Tier C: superclass model (S = 2 × m = 3, n = 40, c = .5, d = .35, e = .05, random within-superclass noise)', () => {
  it('SD peaks after a few rounds, then collapses toward 1/m = 33.3 % as superclass averaging wins', () => {
    for (const seed of [1, 2, 3]) {
      const model = blockGramModel({
        classSizes: new Array(6).fill(40),
        c: 0.5,
        d: 0.35,
        superclasses: 2,
        e: 0.05,
      });
      const problem = blockProblem({
        model,
        noise: { model: 'superclass', rate: 0.5, superclasses: 2 },
        rule: 'random',
        seed,
      });
      const rs = runSelfDistillation(
        { op: problem.op, classes: 6, lambda: 1e-3, given: problem.groups.groupLabel, solver: 'linearised' },
        30,
      );
      const acc = rs.map(
        (r) =>
          recoveryAccuracy({
            predictions: r.predictions,
            truth: problem.groups.groupClass,
            given: problem.groups.groupLabel,
            weights: problem.groups.groupWeight,
          }).overall,
      );
      const best = Math.max(...acc);
      expect(acc.indexOf(best) + 1).toBeLessThanOrEqual(4);
      expect(best).toBeGreaterThan(acc[0]! + 20);
      expect(Number(acc.at(-1)!.toFixed(2))).toBe(33.33);
    }
  });
});
