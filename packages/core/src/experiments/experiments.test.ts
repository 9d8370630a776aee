/** The experiment contract across the registry: schemas, validation, determinism, headlines and charts. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { toSvg } from '../charts/svg.ts';
import { isPaperlabError, type PaperlabError } from '../errors.ts';
import { initTfForNode } from '../node/tf.ts';
import { CORE_VERSION } from '../version.ts';
import type { Experiment } from './contract.ts';
import { describeExperiments, experimentIds, experiments, getExperiment } from './registry.ts';
import { runExperiment } from './run.ts';
import { parseConfig } from './validate.ts';

beforeAll(async () => {
  await initTfForNode('wasm');
});

const STACKING_IDS = [
  'agd-quadratic',
  'boosting-stacking',
  'deep-linear-stacking',
  'stacking-kappa-sweep',
  'stacking-beta-sweep',
  'residual-mlp-stacking',
];

/** Small configs so the contract tests stay fast; the defaults are timed by the bench. */
const SMALL: Record<string, Record<string, unknown>> = {
  'residual-mlp-stacking': { stages: 3, stepsPerStage: 5, samples: 64 },
  'stacking-kappa-sweep': { kappas: [10, 100], maxStages: 500, tolerance: 1e-4 },
  'agd-quadratic': { kappa: 100 },
};

const invalidConfig = (e: unknown): PaperlabError => {
  if (!isPaperlabError(e, 'INVALID_CONFIG')) throw e;
  return e;
};

describe('registry', () => {
  it('lists every stacking experiment by its public id', () => {
    for (const id of STACKING_IDS) expect(experimentIds()).toContain(id);
    expect(new Set(experimentIds()).size).toBe(experiments.length);
  });

  it('exposes each schema as JSON Schema with defaults and descriptions', () => {
    for (const d of describeExperiments()) {
      const props = d.jsonSchema.properties as Record<string, { default?: unknown; description?: string }>;
      expect(d.jsonSchema.type).toBe('object');
      expect(d.jsonSchema.additionalProperties).toBe(false);
      for (const [name, p] of Object.entries(props)) {
        expect(p.description, `${d.id}.${name} has a description`).toBeTruthy();
        expect(p.default, `${d.id}.${name} has a default`).not.toBeUndefined();
      }
    }
  });

  it('rejects an unknown id with the list of ids', () => {
    expect(() => getExperiment('nope')).toThrow(/Available experiments: .*deep-linear-stacking/);
  });

  it('records the package version in provenance', () => {
    expect(CORE_VERSION).toBe(packageJson.version);
  });

  it('every default config is within the work limit', () => {
    for (const e of experiments) expect(() => parseConfig(e, {}), e.id).not.toThrow();
  });
});

describe('validation', () => {
  it('names the field, the bound and the value', () => {
    const e = invalidConfig(
      (() => {
        try {
          parseConfig(getExperiment('deep-linear-stacking'), { kappa: 0 });
        } catch (err) {
          return err;
        }
      })(),
    );
    expect(e.issues).toEqual([
      { field: 'kappa', message: 'kappa must be a number between 1 and 100000; got 0', received: 0 },
    ]);
  });

  it('names wrong types, unknown fields and union fields', () => {
    try {
      parseConfig(getExperiment('deep-linear-stacking'), { d: 'eight', beta: 'fast', kapa: 3 });
      expect.unreachable();
    } catch (err) {
      const messages = invalidConfig(err).issues.map((i) => i.message);
      expect(messages).toContain('d must be a whole number between 2 and 32; got "eight"');
      expect(messages).toContain('beta must be a number between 0 and 1.5 or "auto"; got "fast"');
      expect(messages.some((m) => m.startsWith('unknown field "kapa"'))).toBe(true);
    }
  });

  it('rejects configs over the work limit, naming the fields that drive the cost', () => {
    try {
      parseConfig(getExperiment('deep-linear-stacking'), { d: 32, innerSteps: 32, maxStages: 5000 });
      expect.unreachable();
    } catch (err) {
      const [issue] = invalidConfig(err).issues;
      expect(issue!.field).toBe('maxStages');
      expect(issue!.message).toMatch(/too large.*maxStages, innerSteps, d/);
    }
  });

  it('rejects a config that is not an object', () => {
    for (const raw of [3, 'kappa=3', [1, 2]]) {
      expect(() => parseConfig(getExperiment('agd-quadratic'), raw)).toThrow(/must be a JSON object|config/);
    }
  });

  for (const e of experiments as readonly Experiment[]) {
    it(`${e.id}: random input either parses or fails with INVALID_CONFIG naming fields`, () => {
      const fields = Object.keys(
        (describeExperiments().find((d) => d.id === e.id)!.jsonSchema.properties as object) ?? {},
      );
      const value = fc.oneof(
        fc.double({ noNaN: false }),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.string({ maxLength: 8 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.double(), { maxLength: 4 }),
        fc.constantFrom('auto', 'zero', 'stack', 'random', 'exact', 'linearised', 'symmetric'),
      );
      const key = fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 6 }));
      fc.assert(
        fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (raw) => {
          try {
            const config = parseConfig(e, raw) as Record<string, unknown>;
            for (const f of fields) expect(config).toHaveProperty(f);
          } catch (err) {
            const pe = invalidConfig(err);
            expect(pe.issues.length).toBeGreaterThan(0);
            for (const issue of pe.issues) {
              expect(issue.field).toBeTruthy();
              const name = issue.field.split(/[.[]/)[0]!;
              const named =
                issue.message.includes(name) || issue.message.includes(JSON.stringify(name).slice(1, -1));
              expect(named, `${issue.message} names ${name}`).toBe(true);
            }
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('every bounded field rejects out-of-bounds and wrong-type values, naming the field', () => {
  type Prop = {
    type?: string;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    enum?: string[];
    anyOf?: Prop[];
    minItems?: number;
  };
  for (const d of describeExperiments()) {
    const experiment = getExperiment(d.id);
    const props = d.jsonSchema.properties as Record<string, Prop>;
    it(`${d.id}`, () => {
      for (const [name, prop] of Object.entries(props)) {
        const numeric =
          prop.type === 'number' || prop.type === 'integer'
            ? prop
            : prop.anyOf?.find((p) => p.type === 'number');
        const bad: unknown[] = [];
        if (numeric) {
          const low = numeric.minimum ?? numeric.exclusiveMinimum;
          if (numeric.maximum !== undefined)
            bad.push(numeric.maximum + Math.max(1, Math.abs(numeric.maximum)));
          if (low !== undefined)
            bad.push(
              low - Math.max(1, Math.abs(low)),
              ...(numeric.exclusiveMinimum !== undefined ? [low] : []),
            );
          bad.push('not a number', Number.NaN);
        }
        if (prop.type === 'integer') bad.push(1.5 + (numeric?.minimum ?? 0));
        if (prop.enum) bad.push('no-such-option');
        if (prop.type === 'boolean') bad.push('yes');
        if (prop.type === 'array') bad.push(42, ...((prop.minItems ?? 0) >= 1 ? [[]] : []));
        expect(bad.length, `${d.id}.${name} has a rejectable value`).toBeGreaterThan(0);
        for (const value of bad) {
          try {
            parseConfig(experiment, { [name]: value });
            expect.unreachable(`${d.id}.${name} accepted ${String(value)}`);
          } catch (err) {
            const issues = invalidConfig(err).issues;
            expect(
              issues.map((i) => i.field.split(/[.[]/)[0]),
              `${d.id}.${name} = ${String(value)}`,
            ).toContain(name);
          }
        }
      }
    });
  }
});

describe('running stacking experiments', () => {
  for (const id of STACKING_IDS) {
    it(`${id}: deterministic, with provenance, headline and a chart that renders to SVG`, async () => {
      const e = getExperiment(id);
      const config = SMALL[id] ?? {};
      const progress: number[] = [];
      const a = await runExperiment(e, config, { onProgress: (p) => progress.push(p.fraction) });
      const b = await runExperiment(e, config);
      expect(a.result).toEqual(b.result);
      expect(a.provenance).toMatchObject({
        experimentId: id,
        schemaVersion: e.schemaVersion,
        coreVersion: CORE_VERSION,
      });
      expect(a.provenance.backend).toBe(id === 'residual-mlp-stacking' ? 'tfjs-wasm' : 'float64');
      expect(progress.at(-1)).toBe(1);
      for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
      const svg = await toSvg(e.chart(a.result, a.config));
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('<path');
    });
  }

  it('deep-linear-stacking: stack β* reaches 1e−4 in 36 stages at κ = 100', async () => {
    const out = await runExperiment(getExperiment('deep-linear-stacking'), { kappa: 100 });
    expect(out.headline.value).toBe(36);
    const result = out.result as {
      methods: { key: string; stagesToTolerance: number | null }[];
      betaStar: number;
    };
    expect(Object.fromEntries(result.methods.map((m) => [m.key, m.stagesToTolerance]))).toEqual({
      stack: 36,
      zero: 200,
      gd: 189,
      nag: 32,
    });
  });

  it('deep-linear-stacking: random init differs across seeds, not within one', async () => {
    const e = getExperiment('deep-linear-stacking');
    const cfg = { init: 'random', sigma: 0.05, maxStages: 100 };
    const a = (await runExperiment(e, { ...cfg, seed: 1 })).result as {
      methods: { relativeLoss: number[] }[];
    };
    const b = (await runExperiment(e, { ...cfg, seed: 2 })).result as {
      methods: { relativeLoss: number[] }[];
    };
    const a2 = (await runExperiment(e, { ...cfg, seed: 1 })).result as {
      methods: { relativeLoss: number[] }[];
    };
    expect(a.methods[0]!.relativeLoss).toEqual(a2.methods[0]!.relativeLoss);
    expect(a.methods[0]!.relativeLoss).not.toEqual(b.methods[0]!.relativeLoss);
  });

  it('residual-mlp-stacking: different seeds differ', async () => {
    const e = getExperiment('residual-mlp-stacking');
    const a = await runExperiment(e, { ...SMALL['residual-mlp-stacking'], seed: 1 });
    const b = await runExperiment(e, { ...SMALL['residual-mlp-stacking'], seed: 2 });
    expect(a.headline.value).not.toBe(b.headline.value);
  });

  it('stacking-kappa-sweep: slopes ≈ 1 for zero init and ≈ ½ for stack β* (default config)', async () => {
    const out = await runExperiment(getExperiment('stacking-kappa-sweep'), {});
    const slopes = Object.fromEntries(
      (out.result as { slopes: { method: string; slope: number }[] }).slopes.map((s) => [s.method, s.slope]),
    );
    expect(slopes.zero).toBeGreaterThan(0.85);
    expect(slopes.zero).toBeLessThan(1.1);
    expect(slopes['stack-beta-star']).toBeGreaterThan(0.4);
    expect(slopes['stack-beta-star']).toBeLessThan(0.6);
    expect(slopes.zero! / slopes['stack-beta-star']!).toBeGreaterThan(1.7);
  });

  it('stacking-beta-sweep: β* is in the sweep and 0.85 is best at κ = 100', async () => {
    const out = await runExperiment(getExperiment('stacking-beta-sweep'), {});
    const r = out.result as {
      rows: { beta: number; stages: number; isBetaStar: boolean }[];
      best: { beta: number };
    };
    expect(r.rows.find((row) => row.isBetaStar)?.stages).toBe(36);
    expect(r.best.beta).toBe(0.85);
    expect(out.headline.value).toBe(35);
  });

  it('boosting-stacking: the default run follows Nesterov to 1e−12', async () => {
    const out = await runExperiment(getExperiment('boosting-stacking'), {});
    const r = out.result as { maxDeviation: number; exactCorrespondence: boolean };
    expect(r.exactCorrespondence).toBe(true);
    expect(r.maxDeviation).toBeLessThanOrEqual(1e-12);
  });

  it('usesSeed is truthful: a config that declares no randomness gives the same result for every seed', async () => {
    const checked: string[] = [];
    for (const e of experiments) {
      if (!e.usesSeed || !('seed' in e.config.shape)) continue;
      const config = parseConfig(e, SMALL[e.id] ?? {});
      if (e.usesSeed(config)) continue;
      const a = await runExperiment(e, { ...config, seed: 1 });
      const b = await runExperiment(e, { ...config, seed: 2 });
      expect(a.result, e.id).toEqual(b.result);
      checked.push(e.id);
    }
    expect(checked).toEqual(
      expect.arrayContaining(['boosting-stacking', 'deep-linear-stacking', 'sd-block-model']),
    );
  });

  it('honours an abort signal between stages', async () => {
    const controller = new AbortController();
    const run = runExperiment(
      getExperiment('deep-linear-stacking'),
      { maxStages: 5000, kappa: 1000 },
      {
        signal: controller.signal,
        yieldToHost: () => new Promise((r) => setImmediate(r)),
        onProgress: () => controller.abort(),
      },
    );
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
