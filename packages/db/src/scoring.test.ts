import { getExperiment, type RunOutput, runExperiment } from '@paperlab/core';
import { describe, expect, it } from 'vitest';
import { exerciseScorers, scoreByHeadline, scorerFor, seedMatters, withSeed } from './scoring.ts';

const direct = (id: string, config: unknown) => runExperiment(getExperiment(id), config);

describe('scoring by the experiment headline', () => {
  it('puts each board seed in place of the student’s, when the experiment takes one', () => {
    expect(withSeed('deep-linear-stacking', { kappa: 10, seed: 99 }, 7)).toEqual({ kappa: 10, seed: 7 });
    expect(withSeed('deep-linear-stacking', 'not an object', 7)).toBe('not an object');
  });

  it('averages the headline over the public seeds and, separately, the private seeds', async () => {
    const config = { kappa: 100, init: 'random', sigma: 0.2 };
    const runs: unknown[] = [];
    const score = await scoreByHeadline({
      exerciseId: 'x',
      experimentId: 'deep-linear-stacking',
      config,
      publicSeeds: [1, 2],
      privateSeeds: [3],
      run: (id, c) => {
        runs.push(c);
        return direct(id, c);
      },
    });
    expect(runs).toEqual([
      { ...config, seed: 1 },
      { ...config, seed: 2 },
      { ...config, seed: 3 },
    ]);
    const value = async (seed: number) =>
      (await direct('deep-linear-stacking', { ...config, seed })).headline.value!;
    expect(score.publicScore).toBeCloseTo(((await value(1)) + (await value(2))) / 2, 12);
    expect(score.privateScore).toBe(await value(3));
    expect(score.metrics).toMatchObject({ scorer: 'headline', better: 'lower', privateRuns: 1 });
    expect(JSON.stringify(score.metrics)).not.toContain('"seed":3');
  });

  it('runs a config the seed cannot change only once, for both seed sets', async () => {
    const runs: unknown[] = [];
    const config = { kappa: 100, init: 'stack', seed: 5 };
    expect(seedMatters('deep-linear-stacking', config)).toBe(false);
    expect(seedMatters('deep-linear-stacking', { init: 'random' })).toBe(true);
    expect(seedMatters('stacking-beta-sweep', {})).toBe(false);
    const score = await scoreByHeadline({
      exerciseId: 'x',
      experimentId: 'deep-linear-stacking',
      config,
      publicSeeds: [1, 2],
      privateSeeds: [3, 4],
      run: (id, c) => {
        runs.push(c);
        return direct(id, c);
      },
    });
    expect(runs).toHaveLength(1);
    expect([score.publicScore, score.privateScore]).toEqual([36, 36]);
  });

  it('gives no score when a run never reached its target', async () => {
    const reached = {
      headline: { label: 'l', value: 5, better: 'lower' },
      provenance: { seed: 1, durationMs: 1 },
    };
    const missed = {
      headline: { label: 'l', value: null, better: 'lower' },
      provenance: { seed: 2, durationMs: 1 },
    };
    let n = 0;
    const score = await scoreByHeadline({
      exerciseId: 'x',
      experimentId: 'deep-linear-stacking',
      config: { init: 'random' },
      publicSeeds: [1, 2],
      privateSeeds: [3],
      run: async () => (n++ === 1 ? missed : reached) as unknown as RunOutput,
    });
    expect([score.publicScore, score.privateScore]).toEqual([null, 5]);
  });

  it('uses an exercise’s registered score function ahead of the headline', () => {
    const custom = async () => ({ publicScore: 1, privateScore: 1, metrics: {} });
    expect(scorerFor('unregistered')).toBe(scoreByHeadline);
    exerciseScorers.set('registered', custom);
    try {
      expect(scorerFor('registered')).toBe(custom);
    } finally {
      exerciseScorers.delete('registered');
    }
  });
});
