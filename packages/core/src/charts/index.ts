export * from './specs.ts';
export * from './svg.ts';
