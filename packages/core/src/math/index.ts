export * from './eigen.ts';
export * from './eigen-ql.ts';
export * from './matrix.ts';
export * from './rng.ts';
