export * from './deep-linear.ts';
