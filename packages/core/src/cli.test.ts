import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../bin/paperlab.mjs', import.meta.url).pathname;

function paperlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('paperlab CLI', () => {
  it('run prints the result as JSON', async () => {
    const { code, stdout } = await paperlab('run', 'deep-linear-stacking', '--config', '{"kappa":100}');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    const stack = out.result.methods.find((m: { key: string }) => m.key === 'stack');
    expect(stack.stagesToTolerance).toBe(36);
    expect(stack.label).toContain('β*');
    expect(out.provenance.backend).toBe('float64');
  });

  it('invalid config: exit 2 and one line per invalid field', async () => {
    const { code, stdout, stderr } = await paperlab(
      'run',
      'deep-linear-stacking',
      '--config',
      '{"kappa":0,"d":1}',
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n').slice(1);
    expect(lines).toEqual([
      '  kappa must be a number between 1 and 100000; got 0',
      '  d must be a whole number between 2 and 32; got 1',
    ]);
  });

  it('malformed JSON: exit 2', async () => {
    const { code, stderr } = await paperlab('run', 'deep-linear-stacking', '--config', '{kappa:1');
    expect(code).toBe(2);
    expect(stderr).toMatch(/not valid JSON/);
  });

  it('unknown id: exit 2 with the list of ids', async () => {
    const { code, stderr } = await paperlab('run', 'deep-linear-stackin');
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown experiment "deep-linear-stackin"/);
    expect(stderr).toContain('stacking-beta-sweep');
  });

  it('list --json gives ids, titles and JSON Schemas; list prints a table', async () => {
    const json = await paperlab('list', '--json');
    const list = JSON.parse(json.stdout) as {
      id: string;
      title: string;
      jsonSchema: { properties: object };
    }[];
    expect(list.map((e) => e.id)).toContain('agd-quadratic');
    expect(list.every((e) => e.title && e.jsonSchema.properties)).toBe(true);
    const text = await paperlab('list');
    expect(text.stdout).toMatch(/deep-linear-stacking\s+Stacking a deep linear residual network/);
  });

  it('--svg writes the chart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'paperlab-')), 'beta.svg');
    const { code } = await paperlab('run', 'stacking-beta-sweep', '--svg', file);
    expect(code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('β*');
  });

  it('help lists the experiments', async () => {
    const { code, stdout } = await paperlab();
    expect(code).toBe(0);
    expect(stdout).toContain('paperlab run <id>');
    expect(stdout).toContain('boosting-stacking');
  });
});
