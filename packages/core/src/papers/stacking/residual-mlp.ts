/**
 * R4 of the stacking notes (§5.4, exploratory): a nonlinear residual MLP h ← h + tanh(h·U)·V grown one block
 * per stage with tfjs (float32), fitted by full-batch gradient steps to a fixed random teacher of the same
 * family. The notes found no consistent advantage for stacking at this scale; this module reports what the
 * runs show and is not tuned toward either story.
 */

import type { Rank, Scalar, Tensor2D, Variable } from '@tensorflow/tfjs';
import { createRng, type Rng } from '../../math/rng.ts';
import type { Tf } from '../../tf/backend.ts';

/** How a new block starts. `stack` copies the last block (U, β·V); `copy-middle` copies the middle one. */
export type BlockInit = 'zero' | 'random' | 'stack' | 'copy-middle';

export interface ResidualMlpOptions {
  readonly width: number;
  readonly samples: number;
  readonly kappa: number;
  readonly teacherBlocks: number;
  readonly init: BlockInit;
  readonly beta: number;
  readonly sigma: number;
  readonly train: 'new' | 'all';
  readonly optimizer: 'sgd' | 'adam';
  readonly learningRate: number;
  readonly stages: number;
  readonly stepsPerStage: number;
  readonly seed: number;
}

export interface ResidualMlpTrace {
  /** Training MSE after each stage, index 0 = before any block (the identity map). */
  readonly trainLossPerStage: number[];
  /** Validation MSE (fresh inputs from the same distribution) after each stage, index 0 as above. */
  readonly validationLossPerStage: number[];
  /** Training MSE at every gradient step (stage-major), measured before the step. */
  readonly lossPerStep: number[];
  /** Step indices where a block was added (growth events). */
  readonly growthSteps: number[];
  /** Largest jump of the training loss caused by inserting a block (0 if none went up). */
  readonly maxGrowthJump: number;
}

function gaussianMatrix(rng: Rng, rows: number, cols: number, scale: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = scale * rng.normal();
  return out;
}

/** Inputs x ~ N(0, diag(κ^{−i/(m−1)})), row-major n×m. */
function sampleInputs(rng: Rng, n: number, m: number, kappa: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < m; i++) out[r * m + i] = Math.sqrt(kappa ** (-i / Math.max(1, m - 1))) * rng.normal();
  return out;
}

/**
 * Grows and trains the residual MLP. Runs inside `tf.tidy` scopes per step; every variable is disposed
 * before returning. `onStage(t, memoryBytes)` is awaited after each stage (for progress and cancellation).
 * Cost: O(stages · steps · depth · n · m²) float32 operations.
 */
export async function growResidualMlp(
  tf: Tf,
  o: ResidualMlpOptions,
  onStage?: (t: number, memoryBytes: number) => Promise<void>,
): Promise<ResidualMlpTrace> {
  const rng = createRng(o.seed);
  const m = o.width;
  const scale = 1 / Math.sqrt(m);
  const teacher = Array.from({ length: o.teacherBlocks }, () => ({
    U: tf.tensor2d(gaussianMatrix(rng, m, m, scale), [m, m]),
    V: tf.tensor2d(gaussianMatrix(rng, m, m, 0.5 * scale), [m, m]),
  }));
  const xTrain = tf.tensor2d(sampleInputs(rng, o.samples, m, o.kappa), [o.samples, m]);
  const xVal = tf.tensor2d(sampleInputs(rng, o.samples, m, o.kappa), [o.samples, m]);
  type Block = { U: Tensor2D; V: Tensor2D };
  const forward = (x: Tensor2D, blocks: readonly Block[]) =>
    blocks.reduce((h, b) => tf.add(h, tf.matMul(tf.tanh(tf.matMul(h, b.U)), b.V)) as typeof h, x);
  const yTrain = tf.tidy(() => forward(xTrain, teacher));
  const yVal = tf.tidy(() => forward(xVal, teacher));
  const blocks: { U: Variable<Rank.R2>; V: Variable<Rank.R2> }[] = [];
  const mse = (x: typeof xTrain, y: typeof yTrain) =>
    tf.tidy(() => tf.mean(tf.square(tf.sub(forward(x, blocks), y))).dataSync()[0]!);

  const trainLossPerStage = [mse(xTrain, yTrain)];
  const validationLossPerStage = [mse(xVal, yVal)];
  const lossPerStep: number[] = [];
  const growthSteps: number[] = [];
  let maxGrowthJump = 0;
  try {
    for (let t = 1; t <= o.stages; t++) {
      const before = trainLossPerStage[t - 1]!;
      const source =
        o.init === 'stack'
          ? blocks[blocks.length - 1]
          : o.init === 'copy-middle'
            ? blocks[Math.floor((blocks.length - 1) / 2)]
            : undefined;
      let U: Float32Array;
      let V: Float32Array;
      if (source) {
        U = source.U.dataSync() as Float32Array;
        V = (source.V.dataSync() as Float32Array).map((v) => o.beta * v);
      } else {
        // Zero and random init, and the first block of the copy inits (nothing to copy yet): U random.
        U = gaussianMatrix(rng, m, m, scale);
        V = o.init === 'random' ? gaussianMatrix(rng, m, m, o.sigma * scale) : new Float32Array(m * m);
      }
      blocks.push({
        U: tf.variable(tf.tensor2d(U, [m, m]), true, `U${t}`),
        V: tf.variable(tf.tensor2d(V, [m, m]), true, `V${t}`),
      });
      const afterGrowth = mse(xTrain, yTrain);
      maxGrowthJump = Math.max(maxGrowthJump, afterGrowth - before);
      growthSteps.push(lossPerStep.length);

      // A fresh optimiser per stage, so new variables are registered and Adam's moments start clean.
      const optimizer = o.optimizer === 'adam' ? tf.train.adam(o.learningRate) : tf.train.sgd(o.learningRate);
      const trainable =
        o.train === 'all' ? blocks.flatMap((b) => [b.U, b.V]) : [blocks[t - 1]!.U, blocks[t - 1]!.V];
      for (let s = 0; s < o.stepsPerStage; s++) {
        const cost = optimizer.minimize(
          () => tf.mean(tf.square(tf.sub(forward(xTrain, blocks), yTrain))) as Scalar,
          true,
          trainable,
        );
        lossPerStep.push(cost!.dataSync()[0]!);
        cost!.dispose();
      }
      optimizer.dispose();
      trainLossPerStage.push(mse(xTrain, yTrain));
      validationLossPerStage.push(mse(xVal, yVal));
      await onStage?.(t, tf.memory().numBytes);
    }
  } finally {
    for (const b of blocks) {
      b.U.dispose();
      b.V.dispose();
    }
    for (const b of teacher) {
      b.U.dispose();
      b.V.dispose();
    }
    tf.dispose([xTrain, xVal, yTrain, yVal]);
  }
  return { trainLossPerStage, validationLossPerStage, lossPerStep, growthSteps, maxGrowthJump };
}
