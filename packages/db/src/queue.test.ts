import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consume } from './consumer.ts';
import {
  emitRunFinished,
  enqueueExperimentRun,
  enqueueSubmissionScore,
  jobExpirySeconds,
  QUEUES,
  type Queue,
  type RunFinishedJob,
  recoverOrphans,
  startQueue,
} from './queue.ts';
import { createRun } from './repositories/runs.ts';
import { createSubmission } from './repositories/submissions.ts';
import { makeClassWithBoard } from './testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from './testing/harness.ts';

let t: TestDatabase;
let boss: Queue;
beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startQueue({ url: t.url, onError: () => {} });
});
afterAll(async () => {
  await boss?.stop({ graceful: false, close: true });
  await t?.close();
});

const jobsOf = (queue: string) =>
  t.db.$queryRaw<
    { data: Record<string, string>; state: string; expire_seconds: number; retry_limit: number }[]
  >`
    SELECT data, state::text, EXTRACT(EPOCH FROM expire_in)::int AS expire_seconds, retry_limit
    FROM pgboss.job WHERE name = ${queue} ORDER BY created_on`;

describe('queues', () => {
  it('exist once however many processes start them', async () => {
    const second = await startQueue({ url: t.url, onError: () => {} });
    await second.stop({ graceful: false, close: true });
    const names = (await boss.getQueues()).map((q) => q.name);
    expect(names.filter((n) => (Object.values(QUEUES) as string[]).includes(n)).sort()).toEqual([
      'experiment-run',
      'run-finished',
      'submission-score',
    ]);
  });

  it('carry row ids only, with retries and an expiry from the experiment’s time limit', async () => {
    expect(jobExpirySeconds({ maxMillis: 10_000 })).toBe(70);
    expect(jobExpirySeconds({ maxMillis: 10_000 }, 4)).toBe(100);
    const run = await createRun(t.db, { source: 'WEB', experimentId: 'deep-linear-stacking', config: {} });
    await enqueueExperimentRun(boss, run);
    const { board, students } = await makeClassWithBoard(t.db, { publicSeeds: [1, 2], privateSeeds: [3] });
    const { submission } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: 'q',
    });
    await enqueueSubmissionScore(boss, submission, board, { expireInSeconds: 5 });
    const limits = (await import('@paperlab/core')).getExperiment('deep-linear-stacking').limits;
    expect(await jobsOf(QUEUES.experimentRun)).toEqual([
      { data: { runId: run.id }, state: 'created', expire_seconds: jobExpirySeconds(limits), retry_limit: 4 },
    ]);
    expect(await jobsOf(QUEUES.submissionScore)).toEqual([
      { data: { submissionId: submission.id }, state: 'created', expire_seconds: 5, retry_limit: 4 },
    ]);
  });

  it('re-enqueue rows left without a live job, and only those', async () => {
    const now = new Date(Date.now() + 3600_000); // every row counts as old enough
    const orphan = await createRun(t.db, { source: 'WEB', experimentId: 'deep-linear-stacking', config: {} });
    const { board, students } = await makeClassWithBoard(t.db);
    const { submission } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: 'orphan',
    });
    const first = await recoverOrphans(t.db, boss, { now });
    expect(first.runs).toContain(orphan.id);
    expect(first.submissions).toContain(submission.id);
    // Their jobs are live now: nothing more to do, and young rows are left to their own enqueue.
    expect(await recoverOrphans(t.db, boss, { now })).toEqual({ runs: [], submissions: [] });
    const young = await createRun(t.db, { source: 'WEB', experimentId: 'deep-linear-stacking', config: {} });
    expect((await recoverOrphans(t.db, boss, { olderThanSeconds: 60 })).runs).not.toContain(young.id);
  });

  it('deliver run-finished events to a consumer, retrying a handler that throws', async () => {
    const seen: RunFinishedJob[] = [];
    let failures = 0;
    const consumer = consume<RunFinishedJob>({
      boss,
      queue: QUEUES.runFinished,
      concurrency: 2,
      pollingIntervalSeconds: 0.5,
      handle: async (event) => {
        if (event.kind === 'run' && event.runId === 'flaky' && failures++ === 0)
          throw new Error('discord is down');
        seen.push(event);
      },
      onError: () => {},
    });
    await emitRunFinished(boss, { kind: 'run', runId: 'r1', status: 'DONE' });
    await emitRunFinished(boss, { kind: 'submission', submissionId: 's1', status: 'SCORED' });
    await emitRunFinished(boss, { kind: 'run', runId: 'flaky', status: 'FAILED' });
    const deadline = Date.now() + 60_000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.stop(5_000);
    expect(failures).toBe(2);
    expect(seen).toHaveLength(3);
    expect(seen).toEqual(
      expect.arrayContaining([
        { kind: 'run', runId: 'r1', status: 'DONE' },
        { kind: 'submission', submissionId: 's1', status: 'SCORED' },
        { kind: 'run', runId: 'flaky', status: 'FAILED' },
      ]),
    );
  });
});
