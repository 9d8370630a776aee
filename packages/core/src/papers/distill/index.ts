/**
 * The self-distillation paper (Jeong & Chung, "Rethinking Self-Distillation: Label Averaging and Enhanced Soft
 * Label Refinement with Partial Labels", ICLR 2025) as reconstructed in the project's notes: the block Gram
 * model, the fixed point (★) and its linearised closed form, label noise, multi-round SD, the PLL student and
 * the theory read-outs (τ*, the 100 % condition, averaging weights). Closed forms and conditions are [derived]
 * reconstructions, not the paper's own statements.
 */
export * from './block-gram.ts';
export * from './block-problem.ts';
export * from './gram.ts';
export * from './linear-probe.ts';
export * from './noise.ts';
export * from './notes.ts';
export * from './random-features.ts';
export * from './self-distillation.ts';
export * from './solver.ts';
export * from './theory.ts';
export * from './ties.ts';
