/**
 * The self-distillation experiments through the public contract: schema validation (fast-check), messages,
 * determinism and seeds, headlines and charts, and the tfjs linear probe against the Float64 solver.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toSvg } from '../charts/svg.ts';
import { isPaperlabError, type PaperlabError } from '../errors.ts';
import { zeros } from '../math/matrix.ts';
import { initTfForNode } from '../node/tf.ts';
import { denseGramOperator } from '../papers/distill/gram.ts';
import {
  largestGramEigenvalue,
  loadMnist,
  mnistSplit,
  probeFeatures,
  trainSoftmaxProbe,
} from '../papers/distill/linear-probe.ts';
import { gramOfFeatures } from '../papers/distill/random-features.ts';
import { oneHot } from '../papers/distill/self-distillation.ts';
import { solveFixedPoint } from '../papers/distill/solver.ts';
import type { Experiment } from './contract.ts';
import { distillExperiments } from './distill.ts';
import { getExperiment } from './registry.ts';
import { runExperiment } from './run.ts';
import { type BlockModelResult, blockProblemOf, sdBlockModel } from './sd-block-model.ts';
import { type LabelAveragingResult, sdLabelAveraging } from './sd-label-averaging.ts';
import { type LinearProbeResult, sdLinearProbe } from './sd-linear-probe.ts';
import { type NoiseSweepResult, sdNoiseSweep } from './sd-noise-sweep.ts';
import { configJsonSchema, parseConfig } from './validate.ts';

beforeAll(async () => {
  await initTfForNode('wasm');
});

const SD_IDS = ['sd-block-model', 'sd-label-averaging', 'sd-noise-sweep', 'sd-linear-probe'];

/** Small configs so the tests stay fast; the defaults are timed by the bench. */
const SMALL: Record<string, Record<string, unknown>> = {
  'sd-block-model': { rounds: 4 },
  'sd-label-averaging': { rounds: 3 },
  'sd-noise-sweep': { rates: [0.3, 0.6], seeds: 2, rounds: 3, testPerClass: 50, n: 20 },
  'sd-linear-probe': { classes: 3, trainPerClass: 20, testPerClass: 20, featureDim: 32, rounds: 2 },
};

const invalid = (f: () => unknown): PaperlabError => {
  try {
    f();
  } catch (e) {
    if (isPaperlabError(e, 'INVALID_CONFIG')) return e;
    throw e;
  }
  throw new Error('expected INVALID_CONFIG');
};

describe('registration', () => {
  it('registers the four public ids under the distill paper', () => {
    expect(distillExperiments.map((e) => e.id).sort()).toEqual([...SD_IDS].sort());
    for (const id of SD_IDS) expect(getExperiment(id).paper).toBe('distill');
  });

  it('sd-linear-probe has the field `noise` the CLI examples use', () => {
    const props = (configJsonSchema(sdLinearProbe.config) as { properties: Record<string, unknown> })
      .properties;
    expect(Object.keys(props)).toContain('noise');
    expect(parseConfig(sdLinearProbe, { noise: 0.4 }).noise).toBe(0.4);
    expect(parseConfig(sdLinearProbe, { noise: [0.2, 0.6] }).noise).toEqual([0.2, 0.6]);
  });
});

describe('schema validation (fast-check)', () => {
  const value = fc.oneof(
    fc.double({ min: -2, max: 2, noNaN: false }),
    fc.double({ min: 1e-6, max: 1e-1 }),
    fc.integer({ min: -3, max: 1200 }),
    fc.constantFrom(
      'symmetric',
      'asymmetric',
      'pairflip',
      'superclass',
      'pattern',
      'matrix',
      'exact',
      'linearised',
    ),
    fc.constantFrom(
      'random',
      'deterministic',
      'ce',
      'gce',
      'block',
      'random-features',
      'pixels',
      'random-relu',
      'nope',
    ),
    fc.array(fc.integer({ min: -1, max: 120 }), { maxLength: 12 }),
    fc.array(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { maxLength: 6 }),
    fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }), { maxLength: 5 }),
    fc.constantFrom(null, true, {}),
  );
  for (const e of distillExperiments as readonly Experiment[]) {
    it(`${e.id}: any input parses to a complete config or fails with INVALID_CONFIG naming each field`, () => {
      const fields = Object.keys((configJsonSchema(e.config) as { properties: object }).properties);
      const key = fc.oneof(
        fc.constantFrom(...fields),
        fc.constantFrom(...fields),
        fc.string({ maxLength: 5 }),
      );
      fc.assert(
        fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (raw) => {
          try {
            const config = parseConfig(e, raw) as Record<string, unknown>;
            for (const f of fields) expect(config).toHaveProperty(f);
            const work = e.work(config as never);
            expect(Number.isFinite(work) && work <= e.limits.maxWork).toBe(true);
          } catch (err) {
            if (!isPaperlabError(err, 'INVALID_CONFIG')) throw err;
            expect(err.issues.length).toBeGreaterThan(0);
            for (const issue of err.issues) {
              expect(issue.field.length).toBeGreaterThan(0);
              const name = issue.field.split(/[.[]/)[0] || issue.field;
              // Unknown keys are quoted as JSON in the message.
              const named =
                issue.message.includes(name) || issue.message.includes(JSON.stringify(name).slice(1, -1));
              expect(named, `${issue.message} names ${name}`).toBe(true);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it('sd-block-model: every config that validates builds its block problem without throwing', () => {
    const config = fc.record(
      {
        classSizes: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 11 }),
        c: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        d: fc.double({ min: 0, max: 0.99, noNaN: true }),
        superclasses: fc.integer({ min: 1, max: 5 }),
        e: fc.double({ min: 0, max: 0.9, noNaN: true }),
        noiseModel: fc.constantFrom('symmetric', 'asymmetric', 'pairflip', 'superclass', 'pattern', 'matrix'),
        noise: fc.double({ min: 0, max: 0.95, noNaN: true }),
        pattern: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 11 }),
        transition: fc
          .integer({ min: 1, max: 11 })
          .map((K) => Array.from({ length: K }, () => new Array<number>(K).fill(1 / K))),
        corruption: fc.constantFrom('deterministic', 'random'),
      },
      { requiredKeys: [] },
    );
    let valid = 0;
    fc.assert(
      fc.property(config, (raw) => {
        let parsed: ReturnType<typeof parseConfig<typeof sdBlockModel.config>>;
        try {
          parsed = parseConfig(sdBlockModel, raw);
        } catch (err) {
          if (!isPaperlabError(err, 'INVALID_CONFIG')) throw err;
          return;
        }
        valid++;
        const problem = blockProblemOf(parsed);
        expect(problem.truth.length).toBe(parsed.classSizes.reduce((s, n) => s + n, 0));
      }),
      { numRuns: 400 },
    );
    expect(valid).toBeGreaterThan(20);
  });
});

describe('validation messages name the field, the constraint and the value', () => {
  it('cross-field constraints', () => {
    const d = invalid(() => parseConfig(sdBlockModel, { c: 0.4, d: 0.5 }));
    expect(d.issues).toEqual([
      { field: 'd', message: 'd must be less than c = 0.4; got 0.5', received: 0.5 },
    ]);
    const s = invalid(() => parseConfig(sdBlockModel, { superclasses: 3 }));
    expect(s.issues[0]!.message).toBe(
      'superclasses must be a divisor of K = 4 (the number of class sizes); got 3',
    );
    const p = invalid(() => parseConfig(sdBlockModel, { noiseModel: 'pattern', pattern: [1, 2, 3] }));
    expect(p.issues[0]!.message).toMatch(/^pattern must be a list of K = 4 non-negative weights/);
    const m = invalid(() =>
      parseConfig(sdBlockModel, {
        noiseModel: 'matrix',
        transition: [
          [1, 0],
          [0, 1],
        ],
      }),
    );
    expect(m.issues[0]!.field).toBe('transition');
    const i = invalid(() => parseConfig(sdLabelAveraging, { n: 10, instance: 40 }));
    expect(i.issues[0]!.message).toBe('instance must be an index below N = K·n = 40; got 40');
  });

  it('single fields', () => {
    const r = invalid(() => parseConfig(sdBlockModel, { rounds: 51 }));
    expect(r.issues[0]!.message).toBe('rounds must be a whole number between 1 and 50; got 51');
    const n = invalid(() => parseConfig(sdLinearProbe, { noise: 0.95 }));
    expect(n.issues[0]!.field).toBe('noise');
    expect(n.issues[0]!.message).toContain('noise must be');
  });
});

describe('running the experiments', () => {
  for (const id of SD_IDS) {
    it(`${id}: deterministic, with provenance, a monotone progress bar, a headline and a chart that renders`, async () => {
      const e = getExperiment(id);
      const progress: number[] = [];
      const a = await runExperiment(e, SMALL[id], { onProgress: (p) => progress.push(p.fraction) });
      const b = await runExperiment(e, SMALL[id]);
      expect(a.result).toEqual(b.result);
      expect(a.provenance.experimentId).toBe(id);
      expect(a.provenance.backend).toBe(id === 'sd-linear-probe' ? 'tfjs-wasm' : 'float64');
      expect(progress.at(-1)).toBe(1);
      for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
      expect(a.headline.label.length).toBeGreaterThan(0);
      const svg = await toSvg(e.chart(a.result, a.config));
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('<path');
    });
  }

  it('sd-block-model default: recovery 40, 40, 100, … with τ* = 3 (formula = linearised = exact here)', async () => {
    const out = await runExperiment(sdBlockModel, {});
    const r = out.result as BlockModelResult;
    expect(r.accuracy.overall).toEqual([40, 40, ...new Array(8).fill(100)]);
    expect(r.accuracy.clean).toEqual(new Array(10).fill(100));
    expect([
      r.theory.tauStar,
      r.linearised.firstPerfectRound,
      r.firstPerfectRound,
      out.headline.value,
    ]).toEqual([3, 3, 3, 3]);
    expect(r.solverStats.allConverged).toBe(true);
    expect(r.pll.accuracy.overall).toBe(100);
    expect(r.tieRule).toMatch(/within 1e-9.*lower class index/);
    expect(r.note).toMatch(/reconstruction/);
    const w = r.weights;
    for (let t = 0; t < 10; t++)
      expect(w.own[t]! + w.class[t]! + w.superclass[t]! + w.global[t]! + w.uniform[t]!).toBeCloseTo(1, 12);
  });

  it('sd-block-model: table C at λ = 1e−2 — PLL 75 % while SD stays at 100 %; the runner-up is b + 1', async () => {
    const out = await runExperiment(sdBlockModel, {
      classSizes: [60, 60, 60, 60],
      noiseModel: 'asymmetric',
      noise: 0.6,
      lambda: 1e-2,
      rounds: 8,
      solver: 'linearised',
    });
    const r = out.result as BlockModelResult;
    expect(r.accuracy.overall).toEqual(new Array(8).fill(100));
    expect(r.pll.accuracy.overall).toBe(75);
    expect(r.pll.runnerUp).toEqual([1, 2, 3, 0]);
    expect(r.pll.conditionHolds).toBe(false);
  });

  it('sd-block-model: unequal classes report exact class weights and flag the formula as approximate', async () => {
    const out = await runExperiment(sdBlockModel, {
      classSizes: [72, 60, 60, 48],
      lambda: 4e-3,
      noise: 0.3,
      rounds: 30,
      solver: 'linearised',
    });
    const r = out.result as BlockModelResult;
    expect(r.theory.exact).toBe(false);
    expect(r.weights.exact).toBe(false);
    expect(r.classWeights!.ownClass).toHaveLength(30);
    expect(r.accuracy.overall.at(-1)).toBe(30);
  });

  it('sd-block-model: random corruption depends on the seed, deterministic does not', async () => {
    const run = async (cfg: Record<string, unknown>) =>
      ((await runExperiment(sdBlockModel, { rounds: 2, ...cfg })).result as BlockModelResult).noise.pi;
    expect(await run({ corruption: 'random', seed: 1 })).toEqual(
      await run({ corruption: 'random', seed: 1 }),
    );
    expect(await run({ corruption: 'random', seed: 1 })).not.toEqual(
      await run({ corruption: 'random', seed: 2 }),
    );
    expect(await run({ seed: 1 })).toEqual(await run({ seed: 2 }));
  });

  it('sd-label-averaging default: instance 0 follows the notes’ unit vectors; the formula matches to 1e−12', async () => {
    const r = (await runExperiment(sdLabelAveraging, {})).result as LabelAveragingResult;
    const close = (got: number[], want: number[]) => {
      for (let k = 0; k < 4; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(1e-6);
    };
    close(r.instance.linearised[0]!, [0.295422, 0.491269, 0.106654, 0.106654]);
    close(r.instance.linearised[1]!, [0.402098, 0.29792, 0.149991, 0.149991]);
    close(r.instance.exact[0]!, [0.253938, 0.515668, 0.115197, 0.115197]);
    close(r.instance.exact[1]!, [0.369768, 0.306613, 0.161809, 0.161809]);
    expect(r.instance.formulaDeviation).toBeLessThan(1e-12);
    expect(r.instance.linearisedClass.slice(0, 2)).toEqual([1, 0]);
    expect(r.shrinkageByRound.find((l) => l.level === 'instance')!.values[1]).toBeCloseTo(0.38462 ** 2, 5);
  });

  it('sd-noise-sweep: random features differ across seeds; block data with the deterministic rule report τ*', async () => {
    const cfg = SMALL['sd-noise-sweep']!;
    const a = (await runExperiment(sdNoiseSweep, { ...cfg, seed: 1 })).result as NoiseSweepResult;
    const b = (await runExperiment(sdNoiseSweep, { ...cfg, seed: 3 })).result as NoiseSweepResult;
    expect(a.rows.map((r) => r.byRound)).not.toEqual(b.rows.map((r) => r.byRound));
    const block = (
      await runExperiment(sdNoiseSweep, {
        data: 'block',
        corruption: 'deterministic',
        n: 60,
        lambda: 1e-3,
        rates: [0.3, 0.7],
        rounds: 6,
      })
    ).result as NoiseSweepResult;
    const sym = block.rows.filter((r) => r.noiseModel === 'symmetric');
    expect(sym.map((r) => [r.teacher, r.bestSd, r.bestRound, r.pll, r.tauStar])).toEqual([
      [70, 100, 2, 100, 2],
      [30, 100, 4, 100, 4],
    ]);
  });
});

describe('sd-linear-probe (tfjs)', () => {
  it('the tfjs probe reaches the Float64 fixed point (★) on the same features (float32: ≤ 2e−4)', async () => {
    const { tf } = await initTfForNode('wasm');
    const split = mnistSplit(await loadMnist(), { classes: 3, trainPerClass: 15, testPerClass: 5, seed: 4 });
    const f = probeFeatures(tf, split, { kind: 'random-relu', dim: 48, seed: 2 });
    try {
      const N = 45;
      const X = zeros(N, f.dim);
      X.data.set(f.train.dataSync());
      const lambda = 2e-3;
      const exact = solveFixedPoint({
        op: denseGramOperator(gramOfFeatures(X)),
        targets: oneHot(split.trainLabels, 3),
        classes: 3,
        lambda,
      });
      expect(exact.converged).toBe(true);
      const probe = trainSoftmaxProbe(tf, {
        X: f.train,
        targets: Float32Array.from(oneHot(split.trainLabels, 3)),
        classes: 3,
        lambda,
        muMax: largestGramEigenvalue(tf, f.train),
        tolerance: 1e-5,
      });
      probe.weights.dispose();
      expect(probe.converged).toBe(true);
      let diff = 0;
      for (let i = 0; i < exact.outputs.length; i++)
        diff = Math.max(diff, Math.abs(exact.outputs[i]! - probe.outputs[i]!));
      expect(diff).toBeLessThanOrEqual(2e-4);
    } finally {
      f.train.dispose();
      f.test.dispose();
    }
  });

  it('leaves no tensors behind, differs across seeds, and reports train and test accuracy per round', async () => {
    const { tf } = await initTfForNode('wasm');
    const before = tf.memory().numTensors;
    const cfg = { ...SMALL['sd-linear-probe'], noise: [0.2, 0.5] };
    const a = (await runExperiment(sdLinearProbe, { ...cfg, seed: 1 })).result as LinearProbeResult;
    expect(tf.memory().numTensors).toBe(before);
    const b = (await runExperiment(sdLinearProbe, { ...cfg, seed: 2 })).result as LinearProbeResult;
    expect(a.rows.map((r) => r.test)).not.toEqual(b.rows.map((r) => r.test));
    expect(a.rows.map((r) => r.rate)).toEqual([0.2, 0.5]);
    for (const row of a.rows) {
      expect(row.train).toHaveLength(2);
      expect(row.test).toHaveLength(2);
      expect(row.converged).toBe(true);
    }
    expect(a.note).toMatch(/Analogue of the paper’s linear probes/);
  });

  it('default config: SD improves on the teacher at η = 0.4 and the one-round GCE PLL student comes close', async () => {
    const r = (await runExperiment(sdLinearProbe, {})).result as LinearProbeResult;
    const row = r.rows[0]!;
    expect(row.bestTest).toBeGreaterThan(row.test[0]! + 3);
    expect(row.pll.test).toBeGreaterThan(row.test[0]!);
    // Without noise the probe is a sensible digit classifier.
    const clean = (await runExperiment(sdLinearProbe, { noise: 0, rounds: 1 })).result as LinearProbeResult;
    expect(clean.rows[0]!.test[0]).toBeGreaterThan(75);
  });

  it('honours an abort signal between rounds', async () => {
    const controller = new AbortController();
    const run = runExperiment(sdLinearProbe, SMALL['sd-linear-probe'], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.fraction > 0) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
