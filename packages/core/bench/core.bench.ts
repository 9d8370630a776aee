/**
 * `npm run bench` for @paperlab/core: wall time of every experiment's default config (median of 5 runs after
 * one warm-up, in this one thread — i.e. one core), plus named cases with targets from the issues. Prints a
 * table and writes bench/results/core.json at the repository root. Figures, never assertions.
 */
import { cpus } from 'node:os';
import { experiments, getExperiment, runExperiment } from '../src/index.ts';
import { initTfForNode, writeBenchResults } from '../src/node/index.ts';

const RUNS = 5;
/** Targets in ms for default configs (issues #2 and #3); unlisted defaults target 1 s. */
const TARGETS: Record<string, number> = {
  'sd-block-model': 200,
  'sd-noise-sweep': 1000,
  'sd-linear-probe': 2000,
};
/** Extra named cases. */
const CASES: { name: string; id: string; config: Record<string, unknown>; targetMs: number }[] = [
  {
    name: 'κ-sweep: κ = 10, 100, 1000; all methods; ≤ 1000 stages; d = 8',
    id: 'stacking-kappa-sweep',
    config: { kappas: [10, 100, 1000], maxStages: 1000, d: 8, tolerance: 1e-4 },
    targetMs: 100,
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function time(
  id: string,
  config: Record<string, unknown>,
): Promise<{ median: number; runs: number[]; backend: string }> {
  const e = getExperiment(id);
  const first = await runExperiment(e, config); // warm-up: module and tfjs initialisation, JIT
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await runExperiment(e, config);
    runs.push(performance.now() - t);
  }
  return { median: median(runs), runs, backend: first.provenance.backend };
}

await initTfForNode('wasm');
const rows: {
  name: string;
  id: string;
  backend: string;
  medianMs: number;
  targetMs: number;
  runsMs: number[];
}[] = [];
for (const e of experiments) {
  const r = await time(e.id, {});
  rows.push({
    name: `${e.id} (default)`,
    id: e.id,
    backend: r.backend,
    medianMs: r.median,
    targetMs: TARGETS[e.id] ?? 1000,
    runsMs: r.runs,
  });
}
for (const c of CASES) {
  const r = await time(c.id, c.config);
  rows.push({
    name: c.name,
    id: c.id,
    backend: r.backend,
    medianMs: r.median,
    targetMs: c.targetMs,
    runsMs: r.runs,
  });
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log(
  `\n@paperlab/core — median of ${RUNS} runs, one thread (${cpus()[0]?.model ?? 'cpu'}, Node ${process.version})\n`,
);
console.log(
  `${'case'.padEnd(width)}  ${'backend'.padEnd(9)}  ${'median'.padStart(10)}  ${'target'.padStart(8)}  status`,
);
for (const r of rows) {
  const status = r.medianMs <= r.targetMs ? 'ok' : 'OVER TARGET';
  console.log(
    `${r.name.padEnd(width)}  ${r.backend.padEnd(9)}  ${`${r.medianMs.toFixed(1)} ms`.padStart(10)}  ${`${r.targetMs} ms`.padStart(8)}  ${status}`,
  );
}

const written = writeBenchResults('core', {
  runsPerCase: RUNS,
  cases: rows.map((r) => ({
    ...r,
    medianMs: Math.round(r.medianMs * 100) / 100,
    runsMs: r.runsMs.map((x) => Math.round(x * 100) / 100),
  })),
});
console.log(`\nwritten to ${written}`);
