import { defineConfig } from 'vitest/config';

// Like packages/db: the worker's tests run on PGlite, and again on PostgreSQL when PAPERLAB_TEST_PG_URL is set.
const postgres = process.env.PAPERLAB_TEST_PG_URL;

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    projects: [
      {
        extends: true as const,
        test: { name: 'pglite', include: ['src/**/*.test.ts'], env: { PAPERLAB_TEST_BACKEND: 'pglite' } },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['src/**/*.test.ts'],
                env: { PAPERLAB_TEST_BACKEND: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
