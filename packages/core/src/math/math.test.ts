import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './eigen.ts';
import { tridiagonalQlEigen } from './eigen-ql.ts';
import { fromRows, identity, matmul, matmulTransB, maxAbsDiff, transpose, zeros } from './matrix.ts';
import { createRng, mulberry32, permutation } from './rng.ts';

describe('rng', () => {
  it('mulberry32 matches the reference stream of the notes', () => {
    // First outputs of the notes' mulberry32 with seed 1 (computed with the snippet in stacking.md §5.6).
    const next = mulberry32(1);
    const xs = [next(), next(), next()];
    expect(xs[0]).toBeCloseTo(0.6270739405881613, 15);
    expect(xs[1]).toBeCloseTo(0.002735721180215478, 15);
    expect(xs[2]).toBeCloseTo(0.5274470399599522, 15);
  });

  it('normal deviates have mean ≈ 0 and variance ≈ 1', () => {
    const rng = createRng(7);
    const n = 40_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const g = rng.normal();
      s += g;
      s2 += g * g;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(3);
    const b = createRng(3);
    const c = createRng(4);
    const xa = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.normal())).not.toEqual(xa);
  });

  it('permutation is a permutation', () => {
    const p = Array.from(permutation(50, createRng(1)));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('matrix', () => {
  it('matmul and matmulTransB agree with the definition', () => {
    const a = fromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = fromRows([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(Array.from(matmul(a, b).data)).toEqual([58, 64, 139, 154]);
    expect(Array.from(matmulTransB(a, transpose(b)).data)).toEqual([58, 64, 139, 154]);
    expect(() => matmul(a, a)).toThrow(/matmul/);
  });
});

describe('symmetricEigen (Jacobi)', () => {
  it('reconstructs a random symmetric matrix with orthonormal eigenvectors', () => {
    const n = 12;
    const rng = createRng(11);
    const m = zeros(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = rng.normal();
        m.data[i * n + j] = v;
        m.data[j * n + i] = v;
      }
    }
    const { values, vectors } = symmetricEigen(m);
    for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
    const vtv = matmul(transpose(vectors), vectors);
    expect(maxAbsDiff(vtv.data, identity(n).data)).toBeLessThan(1e-12);
    const scaled = zeros(n, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) scaled.data[i * n + j] = vectors.data[i * n + j]! * values[j]!;
    expect(maxAbsDiff(matmulTransB(scaled, vectors).data, m.data)).toBeLessThan(1e-12);
  });

  it('finds the block-model eigenvalues 1 − c + n(c − d) + N d, 1 − c + n(c − d), 1 − c', () => {
    const K = 3;
    const nPer = 4;
    const N = K * nPer;
    const c = 0.4;
    const d = 0.1;
    const g = zeros(N, N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        g.data[i * N + j] = i === j ? 1 : Math.floor(i / nPer) === Math.floor(j / nPer) ? c : d;
      }
    }
    const { values } = symmetricEigen(g);
    expect(values[0]).toBeCloseTo(1 - c + nPer * (c - d) + N * d, 12);
    expect(values[1]).toBeCloseTo(1 - c + nPer * (c - d), 12);
    expect(values[2]).toBeCloseTo(1 - c + nPer * (c - d), 12);
    expect(values[N - 1]).toBeCloseTo(1 - c, 12);
  });

  it('rejects a non-symmetric matrix', () => {
    expect(() =>
      symmetricEigen(
        fromRows([
          [1, 2],
          [0, 1],
        ]),
      ),
    ).toThrow(/not symmetric/);
  });
});

describe('tridiagonal QL eigensolver', () => {
  it('agrees with cyclic Jacobi and reconstructs A on random symmetric matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const rng = createRng(seed);
        const A = zeros(n, n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            const v = rng.normal();
            A.data[i * n + j] = v;
            A.data[j * n + i] = v;
          }
        }
        const ql = tridiagonalQlEigen(A);
        const jac = symmetricEigen(A);
        for (let i = 0; i < n; i++) expect(Math.abs(ql.values[i]! - jac.values[i]!)).toBeLessThan(1e-10);
        const V = ql.vectors.data;
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            let rec = 0;
            let orth = 0;
            for (let k = 0; k < n; k++) {
              rec += V[a * n + k]! * ql.values[k]! * V[b * n + k]!;
              orth += V[k * n + a]! * V[k * n + b]!;
            }
            expect(Math.abs(rec - A.data[a * n + b]!)).toBeLessThan(1e-10);
            expect(Math.abs(orth - (a === b ? 1 : 0))).toBeLessThan(1e-12);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
