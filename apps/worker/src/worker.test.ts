import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getExperiment, type RunOutput, runExperiment } from '@paperlab/core';
import { WorkerPool } from '@paperlab/core/node';
import {
  createRun,
  createSubmission,
  type ExerciseScorer,
  enqueueExperimentRun,
  enqueueSubmissionScore,
  getRun,
  getSubmission,
  QUEUES,
  type Queue,
  type RunFinishedJob,
  scoreByHeadline,
  startQueue,
} from '@paperlab/db';
import { createTestDatabase, makeClassWithBoard, type TestDatabase } from '@paperlab/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWorker, startWorker } from './worker.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until `check` returns a value; the deadline only bounds a failing test. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const direct = {
  run: (id: string, config: unknown): Promise<RunOutput> => runExperiment(getExperiment(id), config),
};

let pool: WorkerPool;
beforeAll(() => {
  pool = new WorkerPool({ size: 1 });
});
afterAll(async () => {
  await pool.close();
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup({ persistent = false } = {}) {
  const t = await createTestDatabase({ persistent });
  cleanup.push(() => t.close());
  // The producer (web, bot) and a reader of run-finished (the bot) share this boss; workers get their own.
  const producer = await startQueue({ url: t.url, onError: () => {} });
  cleanup.push(() => producer.stop({ graceful: false, close: true }));
  return { t, producer };
}

async function worker(
  t: TestDatabase,
  extra: { scorers?: Map<string, ExerciseScorer>; maintenance?: number } = {},
) {
  const boss = await startQueue({
    url: t.url,
    supervise: true,
    maintenanceIntervalSeconds: extra.maintenance ?? 30,
    onError: () => {},
  });
  const running = await startWorker({
    db: t.db,
    boss,
    runner: pool,
    concurrency: 1,
    pollingIntervalSeconds: 0.5,
    ...(extra.scorers ? { scorers: extra.scorers } : {}),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await running.stop(5_000);
  };
  cleanup.push(stop);
  return { running, stop } satisfies { running: RunningWorker; stop: () => Promise<void> };
}

/** Everything announced on run-finished so far (consumed). */
async function finished(boss: Queue): Promise<RunFinishedJob[]> {
  const jobs = await boss.fetch<RunFinishedJob>(QUEUES.runFinished, { batchSize: 100 });
  if (jobs.length)
    await boss.complete(
      QUEUES.runFinished,
      jobs.map((j) => j.id),
    );
  return jobs.map((j) => j.data);
}

describe('the worker', () => {
  it('runs an enqueued experiment, stores its result and announces it on run-finished', async () => {
    const { t, producer } = await setup();
    const config = { kappa: 100, d: 8, seed: 3 };
    const run = await createRun(t.db, {
      source: 'BOT',
      discordUserId: 'd1',
      experimentId: 'deep-linear-stacking',
      config,
    });
    await enqueueExperimentRun(producer, run);
    await worker(t);
    const done = await waitFor('the run to finish', async () => {
      const r = await getRun(t.db, run.id);
      return r.status === 'DONE' && r;
    });
    const expected = await direct.run('deep-linear-stacking', config);
    const stored = done.result as unknown as RunOutput;
    expect(stored.headline).toEqual(expected.headline);
    expect(stored.provenance).toMatchObject({ experimentId: 'deep-linear-stacking', seed: 3 });
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    expect(done.attempts).toBe(1);
    const events = await waitFor('run-finished', async () =>
      (await finished(producer)).filter((e) => e.kind === 'run'),
    );
    expect(events).toEqual([{ kind: 'run', runId: run.id, status: 'DONE' }]);
  });

  it('scores a submission with the board’s public and private seeds, and fails a bad one without using the cap', async () => {
    const { t, producer } = await setup();
    const { board, students } = await makeClassWithBoard(t.db, {
      dailyCap: 2,
      publicSeeds: [5, 6],
      privateSeeds: [7],
    });
    const userId = students[0]!.id;
    const good = await createSubmission(t.db, {
      userId,
      leaderboardId: board.id,
      config: { kappa: 50, init: 'random', sigma: 0.001, seed: 999 },
      idempotencyKey: 'good',
    });
    const bad = await createSubmission(t.db, {
      userId,
      leaderboardId: board.id,
      config: { kappa: 0 },
      idempotencyKey: 'bad',
    });
    await enqueueSubmissionScore(producer, good.submission, board);
    await enqueueSubmissionScore(producer, bad.submission, board);
    await worker(t);
    const scored = await waitFor('scoring', async () => {
      const s = await getSubmission(t.db, good.submission.id);
      return s.status === 'SCORED' && s;
    });
    const expected = await scoreByHeadline({
      exerciseId: board.exerciseId,
      experimentId: board.experimentId,
      config: { kappa: 50, init: 'random', sigma: 0.001, seed: 999 },
      publicSeeds: [5, 6],
      privateSeeds: [7],
      run: direct.run,
    });
    expect(expected.publicScore).not.toBeNull();
    expect(scored.publicScore).toBe(expected.publicScore);
    expect(scored.privateScore).toBe(expected.privateScore);
    expect(scored.metrics).toMatchObject({ scorer: 'headline', better: 'lower' });
    expect((scored.metrics as { publicRuns: { seed: number }[] }).publicRuns.map((r) => r.seed)).toEqual([
      5, 6,
    ]);
    const failed = await waitFor('the bad config to fail', async () => {
      const s = await getSubmission(t.db, bad.submission.id);
      return s.status === 'FAILED' && s;
    });
    expect(failed.errorCode).toBe('INVALID_CONFIG');
    expect(failed.error).toMatch(/kappa/);
    // The failed one gave its slot back: a second submission today is still allowed.
    const third = await createSubmission(t.db, {
      userId,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: 'third',
    });
    expect(third.created).toBe(true);
    const events: RunFinishedJob[] = [];
    await waitFor('two events', async () => {
      events.push(...(await finished(producer)));
      return events.length >= 2;
    });
    expect(events).toEqual(
      expect.arrayContaining([
        { kind: 'submission', submissionId: good.submission.id, status: 'SCORED' },
        { kind: 'submission', submissionId: bad.submission.id, status: 'FAILED' },
      ]),
    );
  });

  it('scores with the exercise’s own score function when one is registered', async () => {
    const { t, producer } = await setup();
    const { board, students } = await makeClassWithBoard(t.db, { exerciseId: 'fewest-stages' });
    const scorer: ExerciseScorer = async (input) => ({
      publicScore: input.publicSeeds.length,
      privateScore: -input.privateSeeds.length,
      metrics: { scorer: 'custom' },
    });
    const { submission } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: 'c',
    });
    await enqueueSubmissionScore(producer, submission, board);
    await worker(t, { scorers: new Map([['fewest-stages', scorer]]) });
    const scored = await waitFor('scoring', async () => {
      const s = await getSubmission(t.db, submission.id);
      return s.status === 'SCORED' && s;
    });
    expect(scored).toMatchObject({ publicScore: 2, privateScore: -2, metrics: { scorer: 'custom' } });
  });

  it('re-enqueues rows left without a job (a process died between storing and enqueueing)', async () => {
    const { t } = await setup();
    const run = await createRun(t.db, { source: 'WEB', experimentId: 'stacking-beta-sweep', config: {} });
    const { running } = await worker(t);
    const found = await running.recover(0);
    expect(found.runs).toEqual([run.id]);
    await waitFor('the recovered run', async () => (await getRun(t.db, run.id)).status === 'DONE');
    expect((await running.recover(0)).runs).toEqual([]);
  });
});

describe('the worker process', () => {
  it('on SIGTERM finishes the run in hand, then exits cleanly', async () => {
    const { t, producer } = await setup();
    // About a second of work, so the signal arrives while it runs.
    const config = { d: 32, init: 'zero', maxStages: 5000, kappa: 10000, tolerance: 1e-12 };
    const run = await createRun(t.db, { source: 'WEB', experimentId: 'deep-linear-stacking', config });
    await enqueueExperimentRun(producer, run);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          DATABASE_URL: t.url,
          PAPERLAB_WORKER_CONCURRENCY: '1',
          PAPERLAB_WORKER_POLL_SECONDS: '0.5',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    cleanup.push(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    await waitFor(
      'the worker to start the run',
      async () => (await getRun(t.db, run.id)).status !== 'QUEUED',
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await getRun(t.db, run.id)).status).toBe('DONE');
    expect(output).toMatch(/SIGTERM: finishing running jobs/);
    expect(output).toMatch(/stopped/);
  });
});

describe('faults', () => {
  it('a worker killed mid-job: the submission is scored exactly once after another worker takes over', async () => {
    const { t, producer } = await setup();
    const { board, students } = await makeClassWithBoard(t.db, { publicSeeds: [1], privateSeeds: [2] });
    const { submission } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: { kappa: 20 },
      idempotencyKey: 'k',
    });
    await enqueueSubmissionScore(producer, submission, board, { expireInSeconds: 2 });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./testing/hanging-worker.ts', import.meta.url))],
      { env: { ...process.env, DATABASE_URL: t.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise((r) => child.once('exit', r));
    cleanup.push(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    const claimed = await waitFor('the doomed worker to claim the job', async () => {
      const s = await getSubmission(t.db, submission.id);
      return s.status === 'RUNNING' && s;
    });
    expect(claimed.attempts).toBe(1);
    child.kill('SIGKILL');
    await exited;
    expect((await getSubmission(t.db, submission.id)).status).toBe('RUNNING');

    await worker(t, { maintenance: 1 });
    const scored = await waitFor('the second worker to score it', async () => {
      const s = await getSubmission(t.db, submission.id);
      return s.status === 'SCORED' && s;
    });
    expect(scored.attempts).toBe(2);
    const expected = await scoreByHeadline({
      exerciseId: board.exerciseId,
      experimentId: board.experimentId,
      config: { kappa: 20 },
      publicSeeds: [1],
      privateSeeds: [2],
      run: direct.run,
    });
    expect([scored.publicScore, scored.privateScore]).toEqual([expected.publicScore, expected.privateScore]);
    const events: RunFinishedJob[] = [];
    await waitFor('run-finished', async () => {
      events.push(...(await finished(producer)));
      return events.length >= 1;
    });
    expect(events.filter((e) => e.kind === 'submission' && e.submissionId === submission.id)).toEqual([
      { kind: 'submission', submissionId: submission.id, status: 'SCORED' },
    ]);
  });

  it('the database restarts between enqueue and run, and again under a running worker: nothing is lost', async () => {
    const { t, producer } = await setup({ persistent: true });
    const { board, students } = await makeClassWithBoard(t.db, { publicSeeds: [1], privateSeeds: [2] });
    const { submission } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: 'r',
    });
    const run = await createRun(t.db, { source: 'WEB', experimentId: 'stacking-beta-sweep', config: {} });
    await enqueueSubmissionScore(producer, submission, board);
    await enqueueExperimentRun(producer, run);

    await t.restart();
    await worker(t);
    await waitFor('both jobs', async () => {
      const [s, r] = await Promise.all([getSubmission(t.db, submission.id), getRun(t.db, run.id)]);
      return s.status === 'SCORED' && r.status === 'DONE';
    });

    await t.restart();
    const later = await waitFor('the database to come back', () =>
      createRun(t.db, { source: 'WEB', experimentId: 'deep-linear-stacking', config: { kappa: 10 } }),
    );
    await waitFor('enqueueing after the restart', () => enqueueExperimentRun(producer, later));
    await waitFor(
      'the run enqueued after the restart',
      async () => (await getRun(t.db, later.id)).status === 'DONE',
    );
    expect(await t.db.experimentRun.count({ where: { status: { not: 'DONE' } } })).toBe(0);
  });
});
