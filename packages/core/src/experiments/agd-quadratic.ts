import { z } from 'zod';
import { lineChart, seriesRows, stackCharts, thinIndices } from '../charts/specs.ts';
import { nesterovMomentum } from '../optim/index.ts';
import { nesterovPotential, type QuadraticMethod, runQuadraticMethod } from '../papers/stacking/quadratic.ts';
import { defineExperiment } from './contract.ts';
import { betaField, etaField, kappaField, resolveBeta, toleranceField } from './fields.ts';

const CURVE_POINTS = 800;

export interface AgdMethodResult {
  readonly key: QuadraticMethod;
  readonly label: string;
  /** Iterations until f(x_k) ≤ tolerance·f(x_0); null if not reached (capped at maxIterations) or diverged. */
  readonly iterationsToTolerance: number | null;
  readonly diverged: boolean;
  /** f(x_k)/f(x_0) at iterations `curve.k` (thinned to ≤ 800 points, first and last kept). */
  readonly curve: { k: number[]; relativeLoss: number[] };
}

export interface AgdQuadraticResult {
  readonly kappa: number;
  readonly d: number;
  readonly beta: number;
  readonly betaStar: number;
  readonly tolerance: number;
  readonly methods: AgdMethodResult[];
  /** Nesterov's potential (three-sequence form, β*) against the bound (1 − 1/√κ)^k Φ_0. */
  readonly potential: { k: number[]; phi: number[]; boundCurve: number[]; worstRatio: number; bound: number };
}

const schema = z.strictObject({
  kappa: kappaField(1000),
  d: z
    .int()
    .min(2)
    .max(500)
    .default(50)
    .describe('Dimension d of the quadratic.')
    .meta({ label: 'dimension d' }),
  eta: etaField(1, 2.5),
  beta: betaField(1.2),
  tolerance: toleranceField(1e-6),
  maxIterations: z
    .int()
    .min(10)
    .max(100_000)
    .default(100_000)
    .describe(
      'Iteration cap per method (a method that has not reached the tolerance by then counts as not reached).',
    )
    .meta({ label: 'max iterations', scale: 'log' }),
});

/**
 * R2 of the stacking notes: GD against Nesterov (β*, the schedule k/(k+3), and the pure copy β = 1) and heavy
 * ball on an ill-conditioned quadratic, with Nesterov's potential against its contraction bound.
 */
export const agdQuadratic = defineExperiment({
  id: 'agd-quadratic',
  paper: 'stacking',
  title: 'Gradient descent versus Nesterov on a quadratic',
  summary:
    'The warm-up: iterations to shrink an ill-conditioned quadratic by 10⁶ with GD, Nesterov (β*, a schedule, β = 1) and heavy ball — and Nesterov’s potential staying under (1 − 1/√κ)^k.',
  schemaVersion: 1,
  better: 'lower',
  config: schema,
  limits: { maxMillis: 10_000, maxWork: 1e9, memoryMb: 256 },
  workFields: ['maxIterations', 'd'],
  work: (c) => 6 * c.maxIterations * c.d * 8,
  async run(c, control) {
    const betaStar = nesterovMomentum(c.kappa);
    const beta = resolveBeta(c.beta, betaStar);
    const methods: [QuadraticMethod, string][] = [
      ['gd', `GD (η = ${c.eta}/L)`],
      ['nag', beta === betaStar ? `NAG β* = ${beta.toFixed(3)}` : `NAG β = ${beta}`],
      ['nag-schedule', 'NAG β_k = k/(k+3)'],
      ['nag-copy', 'NAG β = 1 (pure copy)'],
      ['heavy-ball', 'heavy ball (optimal α, β)'],
    ];
    const out: AgdMethodResult[] = [];
    for (const [i, [key, label]] of methods.entries()) {
      const trace = runQuadraticMethod(key, {
        kappa: c.kappa,
        d: c.d,
        eta: c.eta,
        beta,
        tolerance: c.tolerance,
        maxIterations: c.maxIterations,
      });
      const idx = thinIndices(trace.relativeLoss.length, CURVE_POINTS);
      out.push({
        key,
        label,
        iterationsToTolerance: trace.iterationsToTolerance,
        diverged: trace.diverged,
        curve: { k: idx, relativeLoss: idx.map((j) => trace.relativeLoss[j]!) },
      });
      await control.checkpoint((i + 1) / (methods.length + 1), label);
    }
    const p = nesterovPotential({
      kappa: c.kappa,
      d: c.d,
      tolerance: c.tolerance,
      maxIterations: c.maxIterations,
    });
    const idx = thinIndices(p.phi.length, CURVE_POINTS);
    return {
      kappa: c.kappa,
      d: c.d,
      beta,
      betaStar,
      tolerance: c.tolerance,
      methods: out,
      potential: {
        k: idx,
        phi: idx.map((j) => p.phi[j]!),
        boundCurve: idx.map((j) => p.bound ** j * p.phi[0]!),
        worstRatio: p.worstRatio,
        bound: p.bound,
      },
    } satisfies AgdQuadraticResult;
  },
  headline: (r) => ({
    label: `iterations to ${r.tolerance.toExponential(0)} (${r.methods[1]!.label})`,
    value: r.methods[1]!.iterationsToTolerance,
    unit: 'iterations',
  }),
  chart(r) {
    const loss = lineChart({
      title: `f(x_k)/f(x_0) on a quadratic with κ = ${r.kappa}, d = ${r.d}`,
      subtitle: 'Reproduction with the notes’ setup (§5.2), not a figure of the paper',
      rows: r.methods.flatMap((m) =>
        m.curve.k
          .map((k, j) => ({ k, loss: m.curve.relativeLoss[j]!, method: m.label }))
          .filter((row) => Number.isFinite(row.loss) && row.loss > 0),
      ),
      x: { field: 'k', title: 'iteration k' },
      y: { field: 'loss', title: 'f(x_k) / f(x_0)', log: true },
      color: { field: 'method', title: 'method', sort: r.methods.map((m) => m.label) },
      hRules: [{ value: r.tolerance, label: `tolerance ${r.tolerance.toExponential(0)}` }],
    });
    const potential = lineChart({
      title: `Nesterov’s potential Φ_k (worst Φ_{k+1}/Φ_k = ${r.potential.worstRatio.toFixed(3)} ≤ 1 − 1/√κ = ${r.potential.bound.toFixed(3)})`,
      rows: [
        ...seriesRows(r.potential.phi, { curve: 'Φ_k' }, { x: 'i', y: 'phi' }).map((row) => ({
          ...row,
          k: r.potential.k[row.i as number]!,
        })),
        ...seriesRows(r.potential.boundCurve, { curve: '(1 − 1/√κ)^k Φ_0' }, { x: 'i', y: 'phi' }).map(
          (row) => ({
            ...row,
            k: r.potential.k[row.i as number]!,
          }),
        ),
      ],
      x: { field: 'k', title: 'iteration k' },
      y: { field: 'phi', title: 'Φ_k', log: true },
      color: { field: 'curve', title: 'curve' },
      height: 200,
    });
    return stackCharts('GD versus Nesterov on an ill-conditioned quadratic', [loss, potential]);
  },
});
