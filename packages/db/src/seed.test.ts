// The demo seed (prisma/seed.ts): real people, boards and scores, and a queued run; safe to run twice.
import { getExperiment, runExperiment } from '@paperlab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_JOIN_CODE, DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { scoreByHeadline } from './scoring.ts';
import { createTestDatabase, type TestDatabase } from './testing/harness.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('the demo seed', () => {
  it('creates a class, its people, boards and submissions scored by real runs, and queues a run', async () => {
    const first = await seedDemo(t.db, t.url);
    expect(first.klass.joinCode).toBe(DEMO_JOIN_CODE);
    const members = await t.db.membership.findMany({
      where: { classId: first.klass.id },
      include: { user: true },
    });
    expect(members.map((m) => [m.user.email, m.role]).sort()).toEqual(
      [
        [DEMO_USERS.instructor.email, 'INSTRUCTOR'],
        ...DEMO_USERS.students.map((s) => [s.email, 'STUDENT']),
      ].sort(),
    );
    const boards = await t.db.leaderboard.findMany({ where: { classId: first.klass.id } });
    expect(boards.length).toBeGreaterThan(0);
    const submissions = await t.db.submission.findMany({
      where: { leaderboard: { classId: first.klass.id } },
      include: { leaderboard: true },
    });
    expect(submissions.length).toBeGreaterThanOrEqual(3);
    expect(submissions.every((s) => s.status === 'SCORED')).toBe(true);
    // The stored scores are what the experiments compute for those configs and seeds.
    const sample = submissions[0]!;
    const recomputed = await scoreByHeadline({
      exerciseId: sample.leaderboard.exerciseId,
      experimentId: sample.leaderboard.experimentId,
      config: sample.config,
      publicSeeds: sample.leaderboard.publicSeeds,
      privateSeeds: sample.leaderboard.privateSeeds,
      run: (id, config) => runExperiment(getExperiment(id), config),
    });
    expect([sample.publicScore, sample.privateScore]).toEqual([
      recomputed.publicScore,
      recomputed.privateScore,
    ]);
    const queued = await t.db.experimentRun.findMany({ where: { status: 'QUEUED' } });
    expect(queued).toHaveLength(1);
    const jobs = await t.db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'experiment-run' AND data->>'runId' = ${queued[0]!.id}`;
    expect(jobs[0]!.n).toBe(1);

    const again = await seedDemo(t.db, t.url);
    expect(again.klass.id).toBe(first.klass.id);
    expect(await t.db.submission.count()).toBe(submissions.length);
    expect(await t.db.experimentRun.count()).toBe(1);
  });
});
