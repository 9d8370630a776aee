import { defineConfig } from 'vitest/config';

// The db suite runs once on embedded PGlite and, when PAPERLAB_TEST_PG_URL points at a PostgreSQL server
// (CI starts PostgreSQL 15), once more against it: same tests, two projects.
const postgres = process.env.PAPERLAB_TEST_PG_URL;

export default defineConfig({
  test: {
    testTimeout: 60_000,
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
                // About PGlite itself: nothing to run against a PostgreSQL server.
                exclude: ['src/embedded.test.ts'],
                env: { PAPERLAB_TEST_BACKEND: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
