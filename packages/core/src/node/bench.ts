/** Writing `npm run bench` figures: one JSON file per package under bench/results/ at the repository root. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = new URL('../../../../', import.meta.url).pathname;

/** The machine a benchmark ran on (figures are only comparable on the same one). */
export function benchMachine() {
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: process.platform,
  };
}

/**
 * Writes `bench/results/<name>.json` with the machine, Node version and date in front of `figures`.
 * Returns the path relative to the repository root, for the closing line of a bench script.
 */
export function writeBenchResults(name: string, figures: Record<string, unknown>): string {
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const payload = {
    machine: benchMachine(),
    node: process.version,
    date: new Date().toISOString(),
    ...figures,
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(payload, null, 2)}\n`);
  return join('bench', 'results', `${name}.json`);
}
