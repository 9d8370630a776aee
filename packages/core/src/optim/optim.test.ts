import { describe, expect, it } from 'vitest';
import {
  diagonalQuadratic,
  gradientDescent,
  heavyBall,
  heavyBallParameters,
  logSpacedSpectrum,
  nesterovMomentum,
  nesterovThreeSequence,
  nesterovTwoSequence,
  nesterovVelocity,
} from './index.ts';

const collect = () => {
  const xs: Float64Array[] = [];
  return { xs, onIterate: (_k: number, x: Float64Array) => void xs.push(Float64Array.from(x)) };
};

const maxRelDiff = (a: Float64Array[], b: Float64Array[]) => {
  let m = 0;
  a.forEach((x, k) => {
    const y = b[k]!;
    let num = 0;
    let den = 0;
    for (let i = 0; i < x.length; i++) {
      num = Math.max(num, Math.abs(x[i]! - y[i]!));
      den = Math.max(den, Math.abs(y[i]!));
    }
    m = Math.max(m, num / Math.max(den, 1e-300));
  });
  return m;
};

describe('Nesterov: the three forms are one method (notes §3.3)', () => {
  for (const kappa of [10, 100, 1000]) {
    it(`two-sequence, velocity and three-sequence forms agree at κ = ${kappa}`, () => {
      const lambdas = logSpacedSpectrum(kappa, 20);
      const f = diagonalQuadratic(lambdas, new Float64Array(20).fill(1));
      const x0 = new Float64Array(20).map((_, i) => Math.cos(i));
      const beta = nesterovMomentum(kappa);
      const two = collect();
      const vel = collect();
      const three = collect();
      nesterovTwoSequence(f, x0, { eta: 1, beta, maxIterations: 300, onIterate: two.onIterate });
      nesterovVelocity(f, x0, { eta: 1, beta, maxIterations: 300, onIterate: vel.onIterate });
      nesterovThreeSequence(f, x0, { L: 1, mu: 1 / kappa, maxIterations: 300, onIterate: three.onIterate });
      expect(two.xs).toHaveLength(301);
      expect(maxRelDiff(vel.xs, two.xs)).toBeLessThan(1e-12);
      // The notes measured 8e−14 relative agreement; allow 1e−10 for rounding over 300 iterations.
      expect(maxRelDiff(three.xs, two.xs)).toBeLessThan(1e-10);
    });
  }

  it('three-sequence v_k = x_k + (√κ − 1)(x_k − x_{k−1})', () => {
    const kappa = 100;
    const f = diagonalQuadratic(logSpacedSpectrum(kappa, 5));
    const xs: Float64Array[] = [];
    const vs: Float64Array[] = [];
    nesterovThreeSequence(f, [1, 2, 3, 4, 5], {
      L: 1,
      mu: 1 / kappa,
      maxIterations: 30,
      onState: (_k, x, v) => {
        xs.push(Float64Array.from(x));
        vs.push(Float64Array.from(v));
      },
    });
    for (let k = 1; k < xs.length; k++) {
      for (let i = 0; i < 5; i++) {
        const predicted = xs[k]![i]! + (Math.sqrt(kappa) - 1) * (xs[k]![i]! - xs[k - 1]![i]!);
        expect(vs[k]![i]).toBeCloseTo(predicted, 10);
      }
    }
  });
});

describe('GD and heavy ball', () => {
  it('GD with η = 1/L contracts each coordinate by (1 − λ_i)', () => {
    const f = diagonalQuadratic([1, 0.5, 0.1]);
    const { x } = gradientDescent(f, [1, 1, 1], { eta: 1, maxIterations: 3 });
    expect(Array.from(x)).toEqual([0, 0.5 ** 3, 0.9 ** 3].map((v) => expect.closeTo(v, 15)));
  });

  it('heavy ball with optimal parameters converges at rate ≈ (√κ − 1)/(√κ + 1)', () => {
    const kappa = 100;
    const f = diagonalQuadratic(logSpacedSpectrum(kappa, 10));
    const { alpha, beta } = heavyBallParameters(1, 1 / kappa);
    expect(beta).toBeCloseTo(nesterovMomentum(kappa) ** 2, 15);
    const norms: number[] = [];
    heavyBall(f, new Float64Array(10).fill(1), {
      alpha,
      beta,
      maxIterations: 400,
      onIterate: (_k, x) => void norms.push(Math.hypot(...x)),
    });
    const rate = (norms[400]! / norms[200]!) ** (1 / 200);
    expect(rate).toBeGreaterThan(0.75);
    expect(rate).toBeLessThan(nesterovMomentum(kappa) + 0.02);
  });

  it('stops early when onIterate returns true', () => {
    const f = diagonalQuadratic([1]);
    const run = gradientDescent(f, [1], { eta: 0.5, maxIterations: 100, onIterate: (k) => k === 3 });
    expect(run.iterations).toBe(3);
  });
});
