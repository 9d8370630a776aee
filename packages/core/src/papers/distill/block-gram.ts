/**
 * The block ("cluster") Gram model of the self-distillation notes (§4.2, three-level extension in §4.3): unit
 * diagonal, correlation c within a class, d between classes (of the same superclass), e between superclasses.
 * Its spectrum is known in closed form up to a K×K eigenproblem, which is what makes every solver here O(N·K)
 * per step instead of O(N²·K).
 */
import { symmetricEigen } from '../../math/eigen.ts';
import { type Matrix, zeros } from '../../math/matrix.ts';

/** A block Gram model: G_ii = 1; G_ij = c (same class), d (same superclass), e (otherwise). */
export interface BlockGramModel {
  /** n_b, the number of instances of each class b = 0..K−1; instances are numbered class by class. */
  readonly classSizes: readonly number[];
  /** Within-class correlation c. */
  readonly c: number;
  /** Correlation d between different classes of the same superclass (all classes when S = 1). */
  readonly d: number;
  /** Number of superclasses S (1 = the two-level model); superclass of class b is ⌊b / (K/S)⌋. */
  readonly superclasses: number;
  /** Correlation e between different superclasses (only used when S > 1). */
  readonly e: number;
}

/**
 * Builds and checks a block Gram model. Requires 0 ≤ e ≤ d < c < 1 (so G is positive definite), integer class
 * sizes ≥ 1, and S dividing K. Throws an Error with a plain-language message otherwise.
 */
export function blockGramModel({
  classSizes,
  c,
  d,
  superclasses = 1,
  e,
}: {
  classSizes: readonly number[];
  c: number;
  d: number;
  superclasses?: number;
  e?: number;
}): BlockGramModel {
  const K = classSizes.length;
  if (K < 2) throw new Error(`the block model needs at least 2 classes; got ${K}`);
  for (const n of classSizes)
    if (!Number.isInteger(n) || n < 1) throw new Error(`class sizes must be whole numbers ≥ 1; got ${n}`);
  if (!(c < 1 && d < c && d >= 0))
    throw new Error(`correlations must satisfy 0 ≤ d < c < 1; got c = ${c}, d = ${d}`);
  if (!Number.isInteger(superclasses) || superclasses < 1 || K % superclasses !== 0) {
    throw new Error(`the number of superclasses must divide K = ${K}; got ${superclasses}`);
  }
  const eff = superclasses > 1 ? (e ?? 0) : d;
  if (!(eff >= 0 && eff <= d))
    throw new Error(`the superclass correlation must satisfy 0 ≤ e ≤ d; got e = ${e}`);
  return { classSizes: [...classSizes], c, d, superclasses, e: eff };
}

/** N = Σ_b n_b. */
export function instanceCount(model: BlockGramModel): number {
  return model.classSizes.reduce((s, n) => s + n, 0);
}

/** Number of classes per superclass, m = K/S. */
export function classesPerSuperclass(model: BlockGramModel): number {
  return model.classSizes.length / model.superclasses;
}

/** The superclass of class b, ⌊b/m⌋. */
export function superclassOf(model: BlockGramModel, b: number): number {
  return Math.floor(b / classesPerSuperclass(model));
}

/** The between-instance correlation of classes a and b (c, d or e). */
export function classCorrelation(model: BlockGramModel, a: number, b: number): number {
  if (a === b) return model.c;
  return superclassOf(model, a) === superclassOf(model, b) ? model.d : model.e;
}

/** True class of every instance (instances are numbered class by class). O(N). */
export function trueClasses(model: BlockGramModel): Int32Array {
  const out = new Int32Array(instanceCount(model));
  let i = 0;
  model.classSizes.forEach((n, b) => {
    out.fill(b, i, i + n);
    i += n;
  });
  return out;
}

/** True when every class has the same size (the case the notes' closed forms are written for). */
export function isBalanced(model: BlockGramModel): boolean {
  return model.classSizes.every((n) => n === model.classSizes[0]);
}

/** The dense N×N Gram matrix G of the model (for tests and small N). O(N²). */
export function blockGramMatrix(model: BlockGramModel): Matrix {
  const y = trueClasses(model);
  const N = y.length;
  const G = zeros(N, N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) G.data[i * N + j] = i === j ? 1 : classCorrelation(model, y[i]!, y[j]!);
  }
  return G;
}

/**
 * Explicit features X (N × (N + K + S + 1)) with X·Xᵀ = G exactly:
 * x_i = [√(1−c)·e_i, √(c−d)·e_class, √(d−e)·e_superclass, √e]. Used to check the kernel-form solvers against
 * ordinary weight-decayed softmax regression on features. O(N²) memory.
 */
export function blockGramFeatures(model: BlockGramModel): Matrix {
  const y = trueClasses(model);
  const N = y.length;
  const K = model.classSizes.length;
  const S = model.superclasses;
  const D = N + K + S + 1;
  const X = zeros(N, D);
  const a = Math.sqrt(1 - model.c);
  const b = Math.sqrt(model.c - model.d);
  const s = Math.sqrt(model.d - model.e);
  const g = Math.sqrt(model.e);
  for (let i = 0; i < N; i++) {
    const row = i * D;
    X.data[row + i] = a;
    X.data[row + N + y[i]!] = b;
    X.data[row + N + K + superclassOf(model, y[i]!)] = s;
    X.data[row + N + K + S] = g;
  }
  return X;
}

/** Which part of the label structure an eigen-direction averages over. */
export type EigenLevel = 'global' | 'superclass' | 'class' | 'instance';

/** One distinct eigenvalue μ of G with its multiplicity and the level its eigenvectors live on. */
export interface SpectrumLevel {
  readonly level: EigenLevel;
  readonly mu: number;
  readonly multiplicity: number;
}

/** The spectrum of a block Gram model. */
export interface BlockGramSpectrum {
  /** μ_inst = 1 − c, multiplicity N − K: vectors that sum to zero within every class. */
  readonly instanceEigenvalue: number;
  /** Eigenvalues h_j (decreasing) and orthonormal eigenvectors R (K×K, columns) of the class-space matrix H. */
  readonly classSpaceValues: Float64Array;
  readonly classSpaceVectors: Matrix;
  /** Distinct eigenvalues, largest first, with multiplicities summing to N. */
  readonly levels: readonly SpectrumLevel[];
  /**
   * True when all classes have equal size: then the levels are exact (global, superclass, class, instance
   * eigenspaces of §4.2–4.3). Otherwise the class-space eigenvectors mix levels and the labels are by rank.
   */
  readonly levelsExact: boolean;
}

/**
 * The spectrum of G. On the span of the normalised class indicators u_a = 1_a/√n_a, G acts as the K×K matrix
 * H_ab = (1−c)δ_ab + √(n_a n_b)·C_ab (C_ab = c, d or e); on its orthogonal complement G = (1−c)·I. For equal
 * class sizes n (notes §4.2): μ_all = μ_sup + N·e, μ_sup = μ_cls + n·m·(d−e), μ_cls = 1−c + n(c−d),
 * μ_inst = 1−c. O(K³).
 */
export function blockGramSpectrum(model: BlockGramModel): BlockGramSpectrum {
  const K = model.classSizes.length;
  const N = instanceCount(model);
  const H = zeros(K, K);
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      const na = model.classSizes[a]!;
      const nb = model.classSizes[b]!;
      H.data[a * K + b] = (a === b ? 1 - model.c : 0) + Math.sqrt(na * nb) * classCorrelation(model, a, b);
    }
  }
  const eig = symmetricEigen(H);
  const muInst = 1 - model.c;
  const S = model.superclasses;
  const balanced = isBalanced(model);
  const levels: SpectrumLevel[] = [];
  if (balanced) {
    const n = model.classSizes[0]!;
    const m = K / S;
    const muCls = muInst + n * (model.c - model.d);
    const muSup = muCls + n * m * (model.d - model.e);
    const muAll = muSup + N * model.e;
    // With S = 1, e = d and μ_sup = μ_cls, so μ_all = μ_cls + N·d as in §4.2.
    levels.push({ level: 'global', mu: muAll, multiplicity: 1 });
    if (S > 1) levels.push({ level: 'superclass', mu: muSup, multiplicity: S - 1 });
    levels.push({ level: 'class', mu: muCls, multiplicity: K - S });
  } else {
    eig.values.forEach((mu, j) => {
      const level: EigenLevel = j === 0 ? 'global' : j < S ? 'superclass' : 'class';
      levels.push({ level, mu, multiplicity: 1 });
    });
  }
  if (N > K) levels.push({ level: 'instance', mu: muInst, multiplicity: N - K });
  return {
    instanceEigenvalue: muInst,
    classSpaceValues: eig.values,
    classSpaceVectors: eig.vectors,
    levels: levels.filter((l) => l.multiplicity > 0),
    levelsExact: balanced,
  };
}

/**
 * The class-space kernel of f(G): the K×K matrix Φ with
 * f(G) = f(μ_inst)·I + Σ_{a,b} Φ_ab 1_a 1_bᵀ, i.e. Φ_ab = Σ_j (f(h_j) − f(μ_inst)) R_aj R_bj / √(n_a n_b).
 * For f(μ) = μ this is the correlation matrix C itself. O(K³).
 */
export function classSpaceKernel(
  model: BlockGramModel,
  spectrum: BlockGramSpectrum,
  f: (mu: number) => number,
): { readonly instanceFactor: number; readonly phi: Float64Array } {
  const K = model.classSizes.length;
  const fInst = f(spectrum.instanceEigenvalue);
  const w = Array.from(spectrum.classSpaceValues, (h) => f(h) - fInst);
  const R = spectrum.classSpaceVectors.data;
  const phi = new Float64Array(K * K);
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += w[j]! * R[a * K + j]! * R[b * K + j]!;
      phi[a * K + b] = s / Math.sqrt(model.classSizes[a]! * model.classSizes[b]!);
    }
  }
  return { instanceFactor: fInst, phi };
}
