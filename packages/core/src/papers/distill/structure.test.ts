import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../math/eigen.ts';
import { blockGramMatrix, blockGramModel, blockGramSpectrum, trueClasses } from './block-gram.ts';
import { corruptionStats, corruptLabels, NOISE_MODELS, transitionMatrix } from './noise.ts';
import { argmaxWithTies, TIE_TOLERANCE, topTwoWithTies } from './ties.ts';

describe('block Gram spectrum', () => {
  const cases = [
    {
      name: 'balanced two-level (§4.2 closed form)',
      model: blockGramModel({ classSizes: [6, 6, 6, 6], c: 0.4, d: 0.1 }),
    },
    { name: 'unequal classes', model: blockGramModel({ classSizes: [7, 5, 4], c: 0.5, d: 0.2 }) },
    {
      name: 'superclasses (§4.3)',
      model: blockGramModel({ classSizes: [5, 5, 5, 5, 5, 5], c: 0.5, d: 0.35, superclasses: 2, e: 0.05 }),
    },
  ];
  for (const { name, model } of cases) {
    it(`${name}: the levels, with multiplicity, are the eigenvalues of the dense G`, () => {
      const dense = symmetricEigen(blockGramMatrix(model)).values;
      const levels = blockGramSpectrum(model).levels.flatMap((l) =>
        new Array<number>(l.multiplicity).fill(l.mu),
      );
      expect(levels.length).toBe(dense.length);
      levels.sort((a, b) => b - a);
      levels.forEach((mu, i) => {
        expect(Math.abs(mu - dense[i]!)).toBeLessThan(1e-10);
      });
    });
  }

  it('balanced: μ1 = 1 − c + n(c − d) + N d, μ2 = 1 − c + n(c − d), μ3 = 1 − c with multiplicities 1, K − 1, N − K', () => {
    const { levels, levelsExact } = blockGramSpectrum(
      blockGramModel({ classSizes: [60, 60, 60, 60], c: 0.4, d: 0.1 }),
    );
    expect(levelsExact).toBe(true);
    expect(levels.map((l) => [l.level, Number(l.mu.toFixed(10)), l.multiplicity])).toEqual([
      ['global', 42.6, 1],
      ['class', 18.6, 3],
      ['instance', 0.6, 236],
    ]);
  });

  it('rejects inconsistent models with a readable message', () => {
    expect(() => blockGramModel({ classSizes: [5, 5], c: 0.3, d: 0.4 })).toThrow(/0 ≤ d < c < 1/);
    expect(() => blockGramModel({ classSizes: [5, 5, 5], c: 0.5, d: 0.1, superclasses: 2 })).toThrow(
      /divide K = 3/,
    );
    expect(() => blockGramModel({ classSizes: [5], c: 0.5, d: 0.1 })).toThrow(/at least 2 classes/);
  });
});

describe('label corruption', () => {
  const truth = trueClasses(blockGramModel({ classSizes: [60, 60, 60, 60], c: 0.4, d: 0.1 }));

  it('deterministic symmetric rule: the first ⌊η·n + ½⌋ of each class, round-robin to the other classes', () => {
    const given = corruptLabels({
      trueLabels: truth,
      noise: { model: 'symmetric', rate: 0.5, classes: 4 },
      rule: 'deterministic',
      seed: 0,
    });
    expect(Array.from(given.subarray(0, 32))).toEqual([
      ...Array.from({ length: 30 }, (_, j) => [1, 2, 3][j % 3]!),
      0,
      0,
    ]);
    expect(Array.from(given.subarray(60, 66))).toEqual([0, 2, 3, 0, 2, 3]);
    expect(given.subarray(90, 120).every((l) => l === 1)).toBe(true);
    // Not divisible by K − 1: 22 of 72 flipped, counts 8, 7, 7.
    const t2 = trueClasses(blockGramModel({ classSizes: [72, 60, 60, 48], c: 0.4, d: 0.1 }));
    const g2 = corruptLabels({
      trueLabels: t2,
      noise: { model: 'symmetric', rate: 0.3, classes: 4 },
      rule: 'deterministic',
      seed: 0,
    });
    const { pi } = corruptionStats(t2, g2, 4);
    expect([0, 1, 2, 3].map((k) => Math.round(pi[k]! * 72))).toEqual([50, 8, 7, 7]);
  });

  it('every noise model gives a row-stochastic transition matrix', () => {
    for (const model of NOISE_MODELS) {
      const T = transitionMatrix({
        model,
        rate: 0.37,
        classes: 6,
        superclasses: 2,
        pattern: [5, 1, 2, 0, 0, 1],
        matrix: Array.from({ length: 6 }, (_, b) =>
          Array.from({ length: 6 }, (_, k) => (b === k ? 0.5 : 0.1)),
        ),
      });
      for (const row of T) {
        expect(row.every((v) => v >= 0)).toBe(true);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      }
    }
    expect(transitionMatrix({ model: 'pairflip', rate: 0.3, classes: 3 })).toEqual([
      [0.7, 0.3, 0],
      [0, 0.7, 0.3],
      [0.3, 0, 0.7],
    ]);
  });

  it('random rule: the same seed gives the same labels, another seed others, and the rate is about η', () => {
    const big = Int32Array.from({ length: 20_000 }, (_, i) => i % 4);
    const draw = (seed: number) =>
      corruptLabels({
        trueLabels: big,
        noise: { model: 'symmetric', rate: 0.3, classes: 4 },
        rule: 'random',
        seed,
      });
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    const { corruptedFraction } = corruptionStats(big, draw(7), 4);
    // Binomial(20000, 0.3): standard deviation 0.0032; allow 4σ.
    expect(Math.abs(corruptedFraction - 0.3)).toBeLessThan(0.013);
  });
});

describe('the tie rule: within 1e−9 the lower class index wins', () => {
  it('argmax', () => {
    expect(TIE_TOLERANCE).toBe(1e-9);
    expect(argmaxWithTies([0.3, 0.3 + 5e-10, 0.1], 3)).toBe(0);
    expect(argmaxWithTies([0.3, 0.3 + 2e-9, 0.1], 3)).toBe(1);
    expect(argmaxWithTies([0.1, 0.4, 0.4], 3)).toBe(1);
    // Relative to the maximum, not a chain of neighbours.
    expect(argmaxWithTies([0, 0.8e-9, 1.6e-9], 3)).toBe(1);
  });

  it('top two', () => {
    expect(topTwoWithTies([0.2, 0.4, 0.2, 0.2], 4)).toEqual([1, 0]);
    expect(topTwoWithTies([0.25, 0.25, 0.25, 0.25], 4)).toEqual([0, 1]);
    expect(topTwoWithTies([0.1, 0.2, 0.4, 0.4 - 1e-10], 4)).toEqual([2, 3]);
    expect(topTwoWithTies([0.1, 0.2, 0.4 - 1e-10, 0.4], 4)).toEqual([2, 3]);
    expect(topTwoWithTies([0.1, 0.2, 0.4 - 2e-9, 0.4], 4)).toEqual([3, 2]);
    expect(topTwoWithTies([9, 1, 2, 3, 4, 5], 3, 3)).toEqual([2, 1]);
  });
});
