import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClassWithBoard } from '../testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/harness.ts';
import { createClass } from './classes.ts';
import { createLeaderboard, getLeaderboard, getStandings, listClassLeaderboards } from './leaderboards.ts';
import { createSubmission, scoreSubmission, startSubmission } from './submissions.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const minute = 60_000;

/** Submits and (unless `scores` is null) scores one config for a user at a given time. */
async function submit(
  boardId: string,
  userId: string,
  at: Date,
  scores: [number | null, number | null] | null,
  extra: { reviewState?: 'APPROVED' | 'REJECTED' | 'FLAGGED'; hidden?: boolean } = {},
) {
  const { submission } = await createSubmission(t.db, {
    userId,
    leaderboardId: boardId,
    config: { at: at.toISOString(), scores },
    idempotencyKey: `${userId}-${at.getTime()}`,
    now: at,
  });
  if (scores) {
    const claimed = await startSubmission(t.db, submission.id);
    await scoreSubmission(t.db, {
      id: submission.id,
      attempt: claimed!.attempts,
      publicScore: scores[0],
      privateScore: scores[1],
    });
  }
  if (extra.reviewState || extra.hidden) {
    await t.db.submission.update({
      where: { id: submission.id },
      data: {
        ...(extra.reviewState ? { reviewState: extra.reviewState } : {}),
        hidden: extra.hidden ?? false,
      },
    });
  }
  return submission;
}

describe('getStandings', () => {
  it('ranks each user by their best visible approved-or-pending score, ties to the earlier, unscored last', async () => {
    const start = new Date(Date.now() - 60 * minute);
    const reveal = new Date(Date.now() + 60 * minute);
    const { board, students } = await makeClassWithBoard(t.db, {
      students: 6,
      opensAt: new Date(start.getTime() - minute),
      revealAt: reveal,
    });
    const [ana, ben, cat, dan, eve, fay] = students.map((s) => s.id) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const time = (m: number) => new Date(start.getTime() + m * minute);
    await submit(board.id, ana, time(1), [40, 10]);
    const anaBest = await submit(board.id, ana, time(2), [30, 50]);
    await submit(board.id, ben, time(3), [30, 20]); // ties ana's 30, but later
    await submit(board.id, cat, time(4), [10, 90], { reviewState: 'REJECTED' }); // rejected: not shown
    await submit(board.id, cat, time(5), [35, 35], { reviewState: 'APPROVED' });
    await submit(board.id, dan, time(6), [5, 5], { hidden: true }); // hidden: not shown
    await submit(board.id, dan, time(7), [1, 1], { reviewState: 'FLAGGED' }); // flagged: not shown
    await submit(board.id, dan, time(8), null); // still queued
    await submit(board.id, eve, time(9), [null, null]); // scored, but the target was not reached
    await submit(board.id, fay, time(10), [50, 1]);

    const before = await getStandings(t.db, { leaderboardId: board.id, now: time(20) });
    expect(before.revealed).toBe(false);
    expect(before.standings.map((s) => [s.rank, s.userId, s.score])).toEqual([
      [1, ana, 30],
      [2, ben, 30],
      [3, cat, 35],
      [4, fay, 50],
      [null, dan, null],
      [null, eve, null],
    ]);
    expect(before.standings[0]).toMatchObject({ submissionId: anaBest.id, reviewState: 'PENDING' });
    expect(before.standings[0]!.userName).toMatch(/^Student /);

    const after = await getStandings(t.db, { leaderboardId: board.id, now: reveal });
    expect(after.revealed).toBe(true);
    expect(after.standings.map((s) => [s.rank, s.userId, s.score])).toEqual([
      [1, fay, 1],
      [2, ana, 10],
      [3, ben, 20],
      [4, cat, 35],
      [null, dan, null],
      [null, eve, null],
    ]);
    const early = await getStandings(t.db, { leaderboardId: board.id, now: time(20), revealPrivate: true });
    expect(early.standings[0]!.userId).toBe(fay);
  });

  it('ranks higher first when the exercise says higher is better', async () => {
    const { board, students } = await makeClassWithBoard(t.db, { students: 2, higherIsBetter: true });
    await submit(board.id, students[0]!.id, new Date(Date.now() - 2 * minute), [0.4, 0.4]);
    await submit(board.id, students[1]!.id, new Date(Date.now() - minute), [0.9, 0.9]);
    const { standings } = await getStandings(t.db, { leaderboardId: board.id });
    expect(standings.map((s) => s.userId)).toEqual([students[1]!.id, students[0]!.id]);
  });
});

describe('createLeaderboard', () => {
  it('is for instructors, validates its settings, and allows one board per exercise', async () => {
    const { klass, instructor, students, board } = await makeClassWithBoard(t.db);
    const base = {
      actorId: instructor.id,
      classId: klass.id,
      exerciseId: 'another',
      experimentId: 'stacking-beta-sweep',
      opensAt: new Date(),
      closesAt: new Date(Date.now() + minute),
      revealAt: new Date(Date.now() + minute),
      publicSeeds: [1],
      privateSeeds: [2],
    };
    await expect(createLeaderboard(t.db, { ...base, actorId: students[0]!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(createLeaderboard(t.db, { ...base, closesAt: base.opensAt })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    await expect(createLeaderboard(t.db, { ...base, privateSeeds: [1] })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    await expect(createLeaderboard(t.db, { ...base, dailyCap: 0 })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    await expect(
      createLeaderboard(t.db, { ...base, experimentId: 'deep-linear-stackin' }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_EXPERIMENT',
    });
    await expect(createLeaderboard(t.db, { ...base, exerciseId: board.exerciseId })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const created = await createLeaderboard(t.db, base);
    expect(await getLeaderboard(t.db, created.id)).toEqual(created);
    expect((await listClassLeaderboards(t.db, klass.id)).map((b) => b.id).sort()).toEqual(
      [board.id, created.id].sort(),
    );
    await expect(getLeaderboard(t.db, 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The ranking direction defaults to the experiment's: fewer stages is better, higher accuracy is better.
    expect(created.higherIsBetter).toBe(false);
    const accuracyBoard = await createLeaderboard(t.db, {
      ...base,
      exerciseId: 'accuracy',
      experimentId: 'sd-noise-sweep',
    });
    expect(accuracyBoard.higherIsBetter).toBe(true);
    const audit = await t.db.auditLog.findMany({ where: { subjectId: created.id } });
    expect(audit).toMatchObject([
      { action: 'leaderboard.create', actorId: instructor.id, classId: klass.id },
    ]);
    // A class of its own does not make its instructor an instructor elsewhere.
    const other = await createClass(t.db, { name: 'Other', instructorId: students[0]!.id });
    await expect(createLeaderboard(t.db, { ...base, classId: other.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
