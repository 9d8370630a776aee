// Test helpers for packages that build on @paperlab/db (scratch databases on PGlite or PostgreSQL).
export * from './fixtures.ts';
export * from './harness.ts';
