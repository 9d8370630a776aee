// Prints one closing line for the whole workspace from each package's vitest JSON report:
// "tests: N passed, N failed, N skipped". Exits non-zero if any report is missing or any test failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dirs = ['packages', 'apps'].flatMap((top) =>
  existsSync(join(root, top)) ? readdirSync(join(root, top)).map((d) => join(root, top, d)) : [],
);
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const dir of dirs) {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg) || !JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test) continue;
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
