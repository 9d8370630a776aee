// Prints one closing line for the whole workspace from each package's vitest JSON report:
// "tests: N passed, N failed, N skipped". Exits non-zero if any report is missing or any test failed.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dirs = ['packages', 'apps'].flatMap((top) =>
  existsSync(join(root, top)) ? readdirSync(join(root, top)).map((d) => join(root, top, d)) : [],
);
const packagesWithTests = dirs.filter((dir) => {
  const pkg = join(dir, 'package.json');
  return existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test;
});

// `--clean` (run before the tests) removes old reports so a crashed run cannot be counted from stale ones.
if (process.argv.includes('--clean')) {
  for (const dir of packagesWithTests) rmSync(join(dir, '.vitest-report.json'), { force: true });
  process.exit(0);
}

let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const dir of packagesWithTests) {
  const report = join(dir, '.vitest-report.json');
  if (!existsSync(report)) {
    console.error(`no test report from ${dir}`);
    missing++;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing > 0 || passed === 0 ? 1 : 0);
