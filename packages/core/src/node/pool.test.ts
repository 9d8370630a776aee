import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from './pool.ts';

const pool = new WorkerPool({ size: 1 });
afterAll(() => pool.close());

describe('WorkerPool', () => {
  it('runs an experiment in a worker thread', async () => {
    const progress: number[] = [];
    const out = await pool.run(
      'deep-linear-stacking',
      { kappa: 100 },
      { onProgress: (p) => progress.push(p.fraction) },
    );
    expect(out.headline.value).toBe(36);
    expect(out.provenance.experimentId).toBe('deep-linear-stacking');
    expect(progress.length).toBeGreaterThan(0);
  });

  it('rejects an invalid config without running it', async () => {
    await expect(pool.run('deep-linear-stacking', { kappa: 0 })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [expect.objectContaining({ field: 'kappa' })],
    });
    await expect(pool.run('no-such-experiment', {})).rejects.toMatchObject({ code: 'UNKNOWN_EXPERIMENT' });
  });

  it('stops a run past its time limit as TIMEOUT and keeps serving', async () => {
    const slow = pool.run('residual-mlp-stacking', { stages: 15, stepsPerStage: 100 }, { timeoutMs: 400 });
    const queued = pool.run('stacking-beta-sweep', {});
    await expect(slow).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/longer than 0.4 s/),
    });
    const next = await queued;
    expect(next.headline.value).toBe(35);
    expect(pool.stats).toMatchObject({ busy: 0, queued: 0 });
  });

  it('stops a run whose tensor memory exceeds the budget as MEMORY', async () => {
    await expect(
      pool.run('residual-mlp-stacking', { stages: 2, stepsPerStage: 2 }, { memoryMb: 0.01 }),
    ).rejects.toMatchObject({
      code: 'MEMORY',
    });
    const out = await pool.run('boosting-stacking', {});
    expect(out.provenance.experimentId).toBe('boosting-stacking');
  });

  it('cancels a run through its AbortSignal', async () => {
    const controller = new AbortController();
    const run = pool.run(
      'residual-mlp-stacking',
      { stages: 15, stepsPerStage: 100 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('WorkerPool and a long-lived AbortSignal', () => {
  it('leaves no abort listeners behind on a signal shared by many runs', async () => {
    const p = new WorkerPool({ size: 1 });
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof signal.removeEventListener;
    try {
      for (let i = 0; i < 12; i++) await p.run('boosting-stacking', { stages: 5 }, { signal });
      expect(listeners).toBe(0);
    } finally {
      await p.close();
    }
  });
});

describe('WorkerPool.close', () => {
  it('interrupts running and queued runs with a retryable INTERRUPTED and stops cleanly', async () => {
    const p = new WorkerPool({ size: 1 });
    let started!: () => void;
    const progress = new Promise<void>((resolve) => {
      started = resolve;
    });
    const runningResult = p
      .run('residual-mlp-stacking', { stages: 15, stepsPerStage: 100 }, { onProgress: () => started() })
      .catch((e: unknown) => e);
    const queued = p.run('boosting-stacking', {}).catch((e: unknown) => e);
    await progress;
    await p.close();
    expect(await runningResult).toMatchObject({ code: 'INTERRUPTED' });
    expect(await queued).toMatchObject({ code: 'INTERRUPTED' });
    await expect(p.run('boosting-stacking', {})).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });
});
