/** Version of @paperlab/core recorded in every result's provenance (a test keeps it equal to package.json). */
export const CORE_VERSION = '0.1.0';
