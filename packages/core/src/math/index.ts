export * from './eigen.ts';
export * from './matrix.ts';
export * from './rng.ts';
