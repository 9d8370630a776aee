/** R3 of the stacking notes (§5.3): the reference tables must be reproduced exactly. */
import { describe, expect, it } from 'vitest';
import { identity, matmulTransB, maxAbsDiff } from '../../math/matrix.ts';
import { nesterovMomentum } from '../../optim/index.ts';
import {
  deepLinearProblem,
  givensTarget,
  logLogSlope,
  stagesForMethod,
  stagesToTolerance,
  trainPSpace,
  trainStagewise,
} from './deep-linear.ts';

const base = { sigma: 0, innerSteps: 1, eta: 1, maxStages: 1000, seed: 1 } as const;

const headline = [
  // κ, β*, ℓ(P_0), zero, stack β*, stack β=1, GD, NAG  (null = not reached in 1000 stages)
  [10, 0.519494, 0.4919348253, 29, 13, 44, 27, 12],
  [100, 0.818182, 0.2939365279, 200, 36, 242, 189, 32],
  [1000, 0.938693, 0.2183265078, null, 82, null, 933, 76],
] as const;

describe('deep linear residual network (R3)', () => {
  it('the Givens target is orthogonal with det +1', () => {
    const A = givensTarget(8);
    expect(maxAbsDiff(matmulTransB(A, A).data, identity(8).data)).toBeLessThan(1e-15);
  });

  for (const [kappa, betaStar, l0, zero, stack, copy, gd, nag] of headline) {
    it(`reproduces the headline table at κ = ${kappa}`, async () => {
      const p = deepLinearProblem({ kappa, d: 8 });
      const b = nesterovMomentum(kappa);
      expect(b).toBeCloseTo(betaStar, 6);
      const runs = await Promise.all([
        trainStagewise(p, { ...base, init: 'zero', beta: 0 }),
        trainStagewise(p, { ...base, init: 'stack', beta: b }),
        trainStagewise(p, { ...base, init: 'stack', beta: 1 }),
        trainPSpace(p, { method: 'gd', beta: 0, eta: 1, maxStages: 1000 }),
        trainPSpace(p, { method: 'nag', beta: b, eta: 1, maxStages: 1000 }),
      ]);
      expect(runs[0]!.losses[0]).toBeCloseTo(l0, 10);
      expect(runs.map((r) => stagesToTolerance(r.losses, 1e-4))).toEqual([zero, stack, copy, gd, nag]);
      if (kappa === 1000) {
        const rel = runs[0]!.losses[100]! / runs[0]!.losses[0]!;
        expect(rel).toBeCloseTo(3.48e-3, 5);
      }
    });
  }

  it('matches the unit-test relative losses at κ = 100 to 1e−6 relative', async () => {
    const p = deepLinearProblem({ kappa: 100, d: 8 });
    const b = nesterovMomentum(100);
    const expected: [string, Promise<{ losses: number[] }>, number[]][] = [
      [
        'zero',
        trainStagewise(p, { ...base, init: 'zero', beta: 0 }),
        [1.187781e-2, 4.074287e-3, 9.501603e-4],
      ],
      [
        'stack β*',
        trainStagewise(p, { ...base, init: 'stack', beta: b }),
        [5.521931e-4, 9.734035e-6, 1.311505e-9],
      ],
      [
        'stack β=1',
        trainStagewise(p, { ...base, init: 'stack', beta: 1 }),
        [2.144718e-2, 9.55776e-3, 2.785654e-3],
      ],
      [
        'NAG',
        trainPSpace(p, { method: 'nag', beta: b, eta: 1, maxStages: 100 }),
        [3.708641e-4, 4.162037e-6, 3.611105e-10],
      ],
      [
        'GD',
        trainPSpace(p, { method: 'gd', beta: 0, eta: 1, maxStages: 100 }),
        [1.05801e-2, 3.516997e-3, 7.833441e-4],
      ],
    ];
    for (const [name, run, values] of expected) {
      const { losses } = await run;
      [25, 50, 100].forEach((t, i) => {
        const rel = losses[t]! / losses[0]!;
        // The table prints 7 significant digits, so 1e−6 relative is the printed precision.
        expect(Math.abs(rel / values[i]! - 1), `${name} at stage ${t}`).toBeLessThan(1e-6);
      });
    }
  });

  it('reproduces the β sweep (κ = 100): a U-curve with its minimum near β*', async () => {
    const p = deepLinearProblem({ kappa: 100, d: 8 });
    const betas = [0, 0.3, 0.5, 0.7, 0.8, nesterovMomentum(100), 0.85, 0.9, 0.95, 1.0];
    const stages = await Promise.all(
      betas.map((beta) =>
        stagesForMethod(
          p,
          { kind: 'stagewise', init: beta === 0 ? 'zero' : 'stack', beta },
          { eta: 1, innerSteps: 1, maxStages: 1000, tolerance: 1e-4 },
        ),
      ),
    );
    expect(stages).toEqual([200, 140, 100, 59, 39, 36, 35, 41, 58, 242]);
  });

  it('reproduces the inner-steps table (κ = 100)', async () => {
    const p = deepLinearProblem({ kappa: 100, d: 8 });
    const b = nesterovMomentum(100);
    const cases: [number, number, [number, number, number]][] = [
      [1, 1, [200, 36, 242]],
      [3, 1 / 3, [200, 36, 242]],
      [5, 1 / 5, [200, 36, 242]],
      [6, 1 / 6, [201, 36, 242]],
      [8, 1 / 8, [201, 36, 242]],
      [2, 1, [100, 24, 105]],
      [4, 1, [50, 19, 71]],
      [8, 1, [25, 15, 28]],
    ];
    for (const [k, eta, expected] of cases) {
      const got = await Promise.all(
        (
          [
            ['zero', 0],
            ['stack', b],
            ['stack', 1],
          ] as const
        ).map(([init, beta]) =>
          stagesForMethod(
            p,
            { kind: 'stagewise', init, beta },
            { eta, innerSteps: k, maxStages: 1000, tolerance: 1e-4 },
          ),
        ),
      );
      expect(got, `k = ${k}, η = ${eta}`).toEqual(expected);
    }
  });

  it('random init leaves a noise floor that grows like σ² (order of magnitude)', async () => {
    const p = deepLinearProblem({ kappa: 100, d: 8 });
    const floors: number[] = [];
    for (const sigma of [0.001, 0.01, 0.1]) {
      const r = await trainStagewise(p, { ...base, init: 'random', beta: 0, sigma, maxStages: 600 });
      floors.push(r.losses[600]! / r.losses[0]!);
    }
    // Notes: 4.3e−6, 4.3e−4, 4.6e−2 (RNG-dependent digits). Check the order of magnitude and the σ² trend.
    expect(floors[0]).toBeGreaterThan(1e-6);
    expect(floors[0]).toBeLessThan(2e-5);
    expect(floors[1]).toBeGreaterThan(1e-4);
    expect(floors[1]).toBeLessThan(2e-3);
    expect(floors[2]).toBeGreaterThan(1e-2);
    expect(floors[2]).toBeLessThan(0.2);
    const slope = logLogSlope([0.001, 0.01, 0.1].map((x, i) => ({ x, y: floors[i]! })));
    expect(slope).toBeGreaterThan(1.7);
    expect(slope).toBeLessThan(2.2);
  });

  it('non-orthogonal target: stacking 57 vs zero 276 stages at κ = 100', async () => {
    const p = deepLinearProblem({ kappa: 100, d: 8, target: 'nonorthogonal' });
    const opts = { eta: 1, innerSteps: 1, maxStages: 1000, tolerance: 1e-4 };
    expect(
      await stagesForMethod(p, { kind: 'stagewise', init: 'stack', beta: nesterovMomentum(100) }, opts),
    ).toBe(57);
    expect(await stagesForMethod(p, { kind: 'stagewise', init: 'zero', beta: 0 }, opts)).toBe(276);
  });

  it('layer norms of stack β* decay geometrically', async () => {
    const p = deepLinearProblem({ kappa: 100, d: 8 });
    const r = await trainStagewise(p, {
      ...base,
      init: 'stack',
      beta: nesterovMomentum(100),
      maxStages: 200,
    });
    expect(r.layerNorms[199]! / r.layerNorms[99]!).toBeLessThan(1e-4);
  });

  it('reports divergence for a step size past 2/L', async () => {
    const p = deepLinearProblem({ kappa: 10, d: 8 });
    const r = await trainPSpace(p, { method: 'gd', beta: 0, eta: 2.5, maxStages: 1000 });
    expect(r.diverged).toBe(true);
    expect(stagesToTolerance(r.losses, 1e-4)).toBeNull();
  });
});
