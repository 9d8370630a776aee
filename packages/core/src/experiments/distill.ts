/** The self-distillation paper's experiments (registered in the registry through this list). */
import type { Experiment } from './contract.ts';

export const distillExperiments: readonly Experiment[] = [];
