/**
 * The Gram operator the self-distillation solvers run on. Everything the fixed point (★) and its linearisation
 * need from the features is G = X Xᵀ through two operations: Z = A·G (one gradient step in kernel form) and
 * R·f(G) (a spectral filter, e.g. the smoother M = G(G + αI)⁻¹). Two implementations: the exact block model
 * (O(C·K + K³) per call, acting on groups of interchangeable instances — the notes' "type reduction", §3.4)
 * and a dense Gram matrix (O(N²·K), eigendecomposed once).
 *
 * Layout: per-instance K-vectors are stored row by row, `v[i·K + k]` (an N×K matrix). The notes write the same
 * quantities as K×N matrices (P, T, A); this is their transpose.
 */

import { tridiagonalQlEigen } from '../../math/eigen-ql.ts';
import type { Matrix } from '../../math/matrix.ts';
import {
  type BlockGramModel,
  blockGramSpectrum,
  classSpaceKernel,
  instanceCount,
  trueClasses,
} from './block-gram.ts';

/** G = X Xᵀ as an operator on per-instance K-vectors. */
export interface GramOperator {
  readonly kind: 'block' | 'dense';
  /** N, the number of training instances. */
  readonly instances: number;
  /** C, the number of columns the operator acts on: instances, or groups of interchangeable instances. */
  readonly columns: number;
  /** How many instances each column stands for (all 1 for a dense Gram); they sum to N. */
  readonly weights: Float64Array;
  /** The largest eigenvalue μ_max of G (sets the solver's step size). */
  readonly maxEigenvalue: number;
  /** out_i = Σ_j G_ij a_j over instances j (columns weighted by multiplicity): the logits Z = A·G. */
  multiply(a: Float64Array, k: number, out?: Float64Array): Float64Array;
  /** out = R·f(G): each eigen-direction of G scaled by f(μ). */
  applySpectral(r: Float64Array, k: number, f: (mu: number) => number, out?: Float64Array): Float64Array;
}

/** Groups of interchangeable instances of a block model: same class, same given label. */
export interface InstanceGroups {
  /** Class of each group. */
  readonly groupClass: Int32Array;
  /** Given label of each group. */
  readonly groupLabel: Int32Array;
  /** Number of instances in each group. */
  readonly groupWeight: Float64Array;
  /** Group of each instance. */
  readonly groupOf: Int32Array;
}

/**
 * Groups the instances of a block model by (true class, given label). Instances in a group are interchangeable
 * under G (it is invariant under permutations within a class) and carry identical targets in every round, so
 * every solver may work on groups instead of instances without changing a single output. O(N).
 */
export function interchangeableGroups(model: BlockGramModel, given: Int32Array): InstanceGroups {
  const y = trueClasses(model);
  const K = model.classSizes.length;
  const index = new Map<number, number>();
  const cls: number[] = [];
  const lab: number[] = [];
  const wt: number[] = [];
  const groupOf = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const key = y[i]! * K + given[i]!;
    let g = index.get(key);
    if (g === undefined) {
      g = cls.length;
      index.set(key, g);
      cls.push(y[i]!);
      lab.push(given[i]!);
      wt.push(0);
    }
    wt[g]! += 1;
    groupOf[i] = g;
  }
  return {
    groupClass: Int32Array.from(cls),
    groupLabel: Int32Array.from(lab),
    groupWeight: Float64Array.from(wt),
    groupOf,
  };
}

/**
 * The block Gram model as an operator. Columns are the given groups (class `columnClass[j]`, `weights[j]`
 * instances each; per-class weights must add up to the class sizes), or every instance when omitted.
 * A·G: z_j = (1−c)·a_j + Σ_b C_{class(j), b}·S_b with S_b the weighted sum of class b's columns.
 * R·f(G): f(1−c)·r_j + Σ_b Φ_{class(j), b}·S_b (see `classSpaceKernel`). Both O(C·K + K³).
 */
export function blockGramOperator(
  model: BlockGramModel,
  columns?: { readonly columnClass: Int32Array; readonly weights: Float64Array },
): GramOperator {
  const K = model.classSizes.length;
  const N = instanceCount(model);
  const columnClass = columns?.columnClass ?? trueClasses(model);
  const weights = columns?.weights ?? new Float64Array(N).fill(1);
  const C = columnClass.length;
  const perClass = new Float64Array(K);
  for (let j = 0; j < C; j++) perClass[columnClass[j]!]! += weights[j]!;
  model.classSizes.forEach((n, b) => {
    if (Math.abs(perClass[b]! - n) > 1e-9)
      throw new Error(`blockGramOperator: class ${b} has weight ${perClass[b]} ≠ ${n}`);
  });
  const spectrum = blockGramSpectrum(model);
  const identity = classSpaceKernel(model, spectrum, (mu) => mu);

  const apply = (
    r: Float64Array,
    k: number,
    kernel: { instanceFactor: number; phi: Float64Array },
    out: Float64Array,
  ) => {
    // S[b·k + q] = Σ_{j in class b} w_j r_{j,q}
    const S = new Float64Array(K * k);
    for (let j = 0; j < C; j++) {
      const b = columnClass[j]!;
      const w = weights[j]!;
      for (let q = 0; q < k; q++) S[b * k + q]! += w * r[j * k + q]!;
    }
    // Mixed[b·k + q] = Σ_a Φ_ba S_a,q
    const mixed = new Float64Array(K * k);
    for (let b = 0; b < K; b++) {
      for (let a = 0; a < K; a++) {
        const phi = kernel.phi[b * K + a]!;
        if (phi === 0) continue;
        for (let q = 0; q < k; q++) mixed[b * k + q]! += phi * S[a * k + q]!;
      }
    }
    const f0 = kernel.instanceFactor;
    for (let j = 0; j < C; j++) {
      const b = columnClass[j]!;
      for (let q = 0; q < k; q++) out[j * k + q] = f0 * r[j * k + q]! + mixed[b * k + q]!;
    }
    return out;
  };

  return {
    kind: 'block',
    instances: N,
    columns: C,
    weights,
    maxEigenvalue: Math.max(spectrum.classSpaceValues[0]!, spectrum.instanceEigenvalue),
    multiply: (a, k, out = new Float64Array(C * k)) => apply(a, k, identity, out),
    applySpectral: (r, k, f, out = new Float64Array(C * k)) =>
      apply(r, k, classSpaceKernel(model, spectrum, f), out),
  };
}

/** Transpose of an N×K row-major block into K×N (so that inner loops run over N contiguous entries). */
function toClassMajor(v: Float64Array, N: number, k: number): Float64Array {
  const t = new Float64Array(N * k);
  for (let i = 0; i < N; i++) for (let q = 0; q < k; q++) t[q * N + i] = v[i * k + q]!;
  return t;
}

/** Σ_j a[ao + j]·b[bo + j] for j < n. */
function dotAt(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[ao + j]! * b[bo + j]!;
  return s;
}

/**
 * A dense Gram matrix as an operator. The eigendecomposition (Householder + QL, O(N³)) is computed on first
 * use of `applySpectral` or `maxEigenvalue` and reused: once per Gram, never per round. `multiply` is O(N²·K),
 * `applySpectral` O(2·N²·K); both run as contiguous length-N dot products.
 */
export function denseGramOperator(G: Matrix): GramOperator {
  const N = G.rows;
  if (G.cols !== N) throw new Error(`denseGramOperator: G is ${G.rows}×${G.cols}, not square`);
  let eig: { values: Float64Array; V: Float64Array; Vt: Float64Array } | null = null;
  const eigen = () => {
    if (!eig) {
      const e = tridiagonalQlEigen(G);
      const V = e.vectors.data;
      const Vt = new Float64Array(N * N);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) Vt[j * N + i] = V[i * N + j]!;
      eig = { values: e.values, V, Vt };
    }
    return eig;
  };
  const g = G.data;
  return {
    kind: 'dense',
    instances: N,
    columns: N,
    weights: new Float64Array(N).fill(1),
    get maxEigenvalue() {
      return eigen().values[0] ?? 0;
    },
    multiply(a, k, out = new Float64Array(N * k)) {
      const aT = toClassMajor(a, N, k);
      for (let i = 0; i < N; i++) for (let q = 0; q < k; q++) out[i * k + q] = dotAt(g, i * N, aT, q * N, N);
      return out;
    },
    applySpectral(r, k, f, out = new Float64Array(N * k)) {
      const { values, V, Vt } = eigen();
      // Bᵀ[q][j] = f(μ_j)·⟨v_j, r_q⟩, then out[i][q] = Σ_j V_ij Bᵀ[q][j].
      const rT = toClassMajor(r, N, k);
      const BT = new Float64Array(N * k);
      for (let j = 0; j < N; j++) {
        const fj = f(values[j]!);
        for (let q = 0; q < k; q++) BT[q * N + j] = fj * dotAt(Vt, j * N, rT, q * N, N);
      }
      for (let i = 0; i < N; i++) for (let q = 0; q < k; q++) out[i * k + q] = dotAt(V, i * N, BT, q * N, N);
      return out;
    },
  };
}
