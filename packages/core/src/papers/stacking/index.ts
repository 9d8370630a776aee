export * from './boosting.ts';
export * from './deep-linear.ts';
export * from './quadratic.ts';
export * from './residual-mlp.ts';
