/** R1 of the stacking notes (§4.1, §5.1): stagewise boosting with linear learners is Nesterov, exactly. */
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../math/matrix.ts';
import { nesterovMomentum } from '../../optim/index.ts';
import { boostingReference, boostLinearLearners } from './boosting.ts';

const common = { kappa: 100, d: 10, sigma: 0.01, eta: 1, stepsPerStage: 1, stages: 60, seed: 1 };
const deviation = (a: Float64Array[], b: Float64Array[]) =>
  Math.max(...a.map((x, t) => maxAbsDiff(x, b[t]!)));

describe('boosting with linear learners (R1)', () => {
  for (const beta of [nesterovMomentum(100), 0.5, 1]) {
    it(`stack β = ${beta.toFixed(3)} with one step per stage equals Nesterov(β) to 1e−12`, () => {
      const run = boostLinearLearners({ ...common, init: 'stack', beta });
      const ref = boostingReference({ ...common, method: 'nesterov', beta });
      expect(run.ensembles).toHaveLength(61);
      expect(deviation(run.ensembles, ref.iterates)).toBeLessThanOrEqual(1e-12);
    });
  }

  it('zero init equals gradient descent', () => {
    const run = boostLinearLearners({ ...common, init: 'zero', beta: 0 });
    const ref = boostingReference({ ...common, method: 'gd', beta: 0 });
    expect(deviation(run.ensembles, ref.iterates)).toBeLessThanOrEqual(1e-12);
  });

  it('more steps per stage break the exact correspondence', () => {
    const beta = nesterovMomentum(100);
    const run = boostLinearLearners({ ...common, init: 'stack', beta, stepsPerStage: 3 });
    const ref = boostingReference({ ...common, method: 'nesterov', beta });
    expect(deviation(run.ensembles, ref.iterates)).toBeGreaterThan(1e-3);
  });

  it('random init depends on the seed and stays near gradient descent', () => {
    const a = boostLinearLearners({ ...common, init: 'random', beta: 0 });
    const b = boostLinearLearners({ ...common, init: 'random', beta: 0, seed: 2 });
    const ref = boostingReference({ ...common, method: 'gd', beta: 0 });
    expect(a.losses).not.toEqual(b.losses);
    const dev = deviation(a.ensembles, ref.iterates);
    expect(dev).toBeGreaterThan(0);
    expect(dev).toBeLessThan(0.1);
  });
});
