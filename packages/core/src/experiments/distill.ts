/** The self-distillation paper's experiments (registered in the registry through this list). */
import type { Experiment } from './contract.ts';
import { sdBlockModel } from './sd-block-model.ts';
import { sdLabelAveraging } from './sd-label-averaging.ts';
import { sdLinearProbe } from './sd-linear-probe.ts';
import { sdNoiseSweep } from './sd-noise-sweep.ts';

/** In the order lessons introduce them: the theory on the block model first, real data last. */
export const distillExperiments: readonly Experiment[] = [
  sdLabelAveraging,
  sdBlockModel,
  sdNoiseSweep,
  sdLinearProbe,
];
