/**
 * `paperlab` — run any experiment from a terminal.
 *   paperlab list [--json]                   ids and titles (with --json: summaries, limits, JSON Schemas)
 *   paperlab schema <id>                     the JSON Schema of one experiment's config
 *   paperlab run <id> [--config '<json>'] [--svg out.svg] [--tf cpu]
 * Exit codes: 0 success, 1 the run failed, 2 bad usage, unknown experiment or invalid config.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toSvg } from './charts/svg.ts';
import { isPaperlabError, PaperlabError } from './errors.ts';
import { describeExperiments, experiments, getExperiment } from './experiments/registry.ts';
import { runExperiment } from './experiments/run.ts';
import { configJsonSchema } from './experiments/validate.ts';
import { withProcessHandlerHygiene } from './node/tf.ts';

const HELP = `paperlab — run the experiments of two ML theory papers

Usage:
  paperlab list [--json]              list the experiments (--json adds summaries, limits and JSON Schemas)
  paperlab schema <id>                print the JSON Schema of an experiment's config
  paperlab run <id> [options]         run an experiment and print the result as JSON

Options for run:
  --config '<json>'   config as a JSON object; omitted fields take their defaults
  --svg <file>        also write the experiment's chart as SVG
  --tf <wasm|cpu>     tfjs backend for neural experiments (default wasm)

Examples:
  paperlab run deep-linear-stacking --config '{"kappa":100}'
  paperlab run stacking-beta-sweep --svg beta.svg`;

/** Pretty JSON that keeps arrays of numbers and strings on one line (results hold long curves). */
export function formatJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value);
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

class UsageError extends Error {}

function listText(): string {
  const width = Math.max(...experiments.map((e) => e.id.length));
  const papers = {
    stacking: 'Stacking as Accelerated Gradient Descent',
    distill: 'Self-distillation with label noise',
  };
  return (Object.keys(papers) as (keyof typeof papers)[])
    .map((paper) => {
      const rows = experiments
        .filter((e) => e.paper === paper)
        .map((e) => `  ${e.id.padEnd(width)}  ${e.title}`);
      return rows.length ? `${papers[paper]}:\n${rows.join('\n')}` : '';
    })
    .filter(Boolean)
    .join('\n\n');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      svg: { type: 'string' },
      tf: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'help', id] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(`${HELP}\n\nExperiments:\n\n${listText()}\n`);
    return 0;
  }
  if (command === 'list') {
    process.stdout.write(values.json ? `${formatJson(describeExperiments())}\n` : `${listText()}\n`);
    return 0;
  }
  if (command === 'schema') {
    if (!id) throw new UsageError('schema needs an experiment id: paperlab schema <id>');
    process.stdout.write(`${JSON.stringify(configJsonSchema(getExperiment(id).config), null, 2)}\n`);
    return 0;
  }
  if (command !== 'run') throw new UsageError(`unknown command "${command}" (try: paperlab help)`);
  if (!id)
    throw new UsageError(`run needs an experiment id; one of: ${experiments.map((e) => e.id).join(', ')}`);
  const experiment = getExperiment(id);
  let config: unknown;
  if (values.config !== undefined) {
    try {
      config = JSON.parse(values.config);
    } catch (e) {
      throw new PaperlabError('INVALID_CONFIG', `--config is not valid JSON: ${(e as Error).message}`, [
        {
          field: 'config',
          message: `--config is not valid JSON: ${(e as Error).message}`,
          received: values.config,
        },
      ]);
    }
  }
  if (values.tf !== undefined && values.tf !== 'wasm' && values.tf !== 'cpu')
    throw new UsageError('--tf must be wasm or cpu');
  const showProgress = process.stderr.isTTY;
  const output = await withProcessHandlerHygiene(() =>
    runExperiment(experiment, config, {
      tfBackend: (values.tf as 'wasm' | 'cpu' | undefined) ?? 'wasm',
      yieldToHost: () => new Promise((r) => setImmediate(r)),
      onProgress: showProgress
        ? (p) => process.stderr.write(`\r\x1b[K${Math.round(p.fraction * 100)}% ${p.message}`)
        : undefined,
    }),
  );
  if (showProgress) process.stderr.write('\r\x1b[K');
  if (values.svg) {
    writeFileSync(values.svg, await toSvg(experiment.chart(output.result, output.config)));
    process.stderr.write(`chart written to ${values.svg}\n`);
  }
  process.stdout.write(`${formatJson(output)}\n`);
  return 0;
}

// A closed pipe (\`paperlab run … | head\`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`paperlab: ${(e as Error).message}\n`);
      process.exitCode = 2;
    } else if (isPaperlabError(e, 'INVALID_CONFIG')) {
      process.stderr.write(
        `paperlab: invalid config:\n${e.issues.map((i) => `  ${i.message}`).join('\n')}\n`,
      );
      process.exitCode = 2;
    } else if (isPaperlabError(e, 'UNKNOWN_EXPERIMENT')) {
      process.stderr.write(`paperlab: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`paperlab: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
