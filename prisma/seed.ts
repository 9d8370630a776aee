/**
 * `npm run db:seed`: a demo class to click through. One instructor and three students (sign in with the
 * development login as any of their emails), one leaderboard per exercise, a handful of submissions scored by
 * real core runs with the boards' seeds, and one queued experiment run for `npm run worker` to pick up.
 * Safe to run twice: everything is found or created by a stable key.
 */
import { pathToFileURL } from 'node:url';
import * as core from '@paperlab/core';
import { getExperiment, runExperiment } from '@paperlab/core';
import {
  closeDatabase,
  createClass,
  createLeaderboard,
  createRun,
  createSubmission,
  type Db,
  enqueueExperimentRun,
  getDatabase,
  joinClassByCode,
  scorerFor,
  scoreSubmission,
  startQueue,
  startSubmission,
  upsertUser,
} from '@paperlab/db';

export const DEMO_JOIN_CODE = 'PAPERLAB';
export const DEMO_USERS = {
  instructor: { name: 'Ada Instructor', email: 'instructor@paperlab.test' },
  students: [
    { name: 'Ben Student', email: 'ben@paperlab.test' },
    { name: 'Cleo Student', email: 'cleo@paperlab.test' },
    { name: 'Dev Student', email: 'dev@paperlab.test' },
  ],
};

interface DemoBoard {
  exerciseId: string;
  experimentId: string;
  /** Configs the students submitted, one list per student. */
  configs: Record<string, unknown>[][];
}

/**
 * The boards: one per exercise of packages/core. Until core has exercises, one per stacking experiment that
 * scores in well under a second, with the experiment's own headline as the score.
 */
function demoBoards(): DemoBoard[] {
  const exercises = (core as { exercises?: readonly { id: string; experimentId: string }[] }).exercises;
  if (exercises?.length)
    return exercises.map((e) => ({ exerciseId: e.id, experimentId: e.experimentId, configs: [[], [], []] }));
  return [
    {
      exerciseId: 'deep-linear-stacking',
      experimentId: 'deep-linear-stacking',
      configs: [
        [
          { kappa: 100, init: 'stack' },
          { kappa: 100, init: 'stack', beta: 0.7 },
        ],
        [{ kappa: 100, init: 'zero' }],
        [{ kappa: 100, init: 'random', sigma: 0.1 }],
      ],
    },
    {
      exerciseId: 'stacking-beta-sweep',
      experimentId: 'stacking-beta-sweep',
      configs: [[{}], [], []],
    },
  ];
}

/** Seeds the demo data into `db` (whose URL pg-boss needs to queue the demo run). Returns what it made. */
export async function seedDemo(db: Db, url: string) {
  const instructor = await upsertUser(db, DEMO_USERS.instructor);
  const students = [];
  for (const s of DEMO_USERS.students) students.push(await upsertUser(db, s));

  const klass =
    (await db.class.findUnique({ where: { joinCode: DEMO_JOIN_CODE } })) ??
    (await createClass(db, {
      name: 'paperlab demo class',
      instructorId: instructor.id,
      joinCode: DEMO_JOIN_CODE,
    }));
  for (const s of students) await joinClassByCode(db, { userId: s.id, code: DEMO_JOIN_CODE });

  const day = 86_400_000;
  const today = new Date();
  for (const [b, demo] of demoBoards().entries()) {
    const experiment = getExperiment(demo.experimentId);
    const board =
      (await db.leaderboard.findUnique({
        where: { classId_exerciseId: { classId: klass.id, exerciseId: demo.exerciseId } },
      })) ??
      (await createLeaderboard(db, {
        actorId: instructor.id,
        classId: klass.id,
        exerciseId: demo.exerciseId,
        experimentId: demo.experimentId,
        opensAt: new Date(today.getTime() - day),
        closesAt: new Date(today.getTime() + 28 * day),
        revealAt: new Date(today.getTime() + 28 * day),
        dailyCap: 5,
        publicSeeds: [101 + b, 102 + b],
        privateSeeds: [201 + b, 202 + b],
        // The direction of the experiment's headline, read off one default run.
        higherIsBetter: experiment.better === 'higher',
      }));
    const score = scorerFor(board.exerciseId);
    for (const [i, configs] of demo.configs.entries()) {
      for (const [k, config] of configs.entries()) {
        const { submission } = await createSubmission(db, {
          userId: students[i]!.id,
          leaderboardId: board.id,
          config: config as never,
          idempotencyKey: `seed-${demo.exerciseId}-${k}`,
        });
        const claimed = await startSubmission(db, submission.id);
        if (!claimed) continue; // scored by an earlier seed run
        const scores = await score({
          exerciseId: board.exerciseId,
          experimentId: board.experimentId,
          config,
          publicSeeds: board.publicSeeds,
          privateSeeds: board.privateSeeds,
          run: (id, c) => runExperiment(getExperiment(id), c),
        });
        await scoreSubmission(db, {
          id: submission.id,
          attempt: claimed.attempts,
          publicScore: scores.publicScore,
          privateScore: scores.privateScore,
          metrics: JSON.parse(JSON.stringify(scores.metrics)),
        });
      }
    }
  }

  // One run waiting for a worker: `npm run worker` picks it up.
  const boss = await startQueue({ url });
  const queued = await db.experimentRun.findFirst({ where: { userId: instructor.id, status: 'QUEUED' } });
  if (!queued) {
    const run = await createRun(db, {
      source: 'WEB',
      userId: instructor.id,
      experimentId: 'deep-linear-stacking',
      config: { kappa: 100, init: 'stack' },
    });
    await enqueueExperimentRun(boss, run);
  }
  await boss.stop({ graceful: false, close: true });

  const scored = await db.submission.count({
    where: { status: 'SCORED', leaderboard: { classId: klass.id } },
  });
  return { klass, instructor, students, scored };
}

// Run as a script (`npm run db:seed`), not when imported by a test.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { db, url } = await getDatabase();
  try {
    const { klass, instructor, students, scored } = await seedDemo(db, url);
    console.log(
      `Seeded "${klass.name}" (join code ${klass.joinCode}): instructor ${instructor.email}, students ` +
        `${students.map((s) => s.email).join(', ')}; ${scored} scored submissions; a demo run is queued.`,
    );
  } finally {
    await closeDatabase();
  }
}
