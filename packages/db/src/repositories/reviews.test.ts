import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClassWithBoard } from '../testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/harness.ts';
import { listAuditLog } from './audit.ts';
import {
  approveSubmission,
  flagSubmission,
  hideSubmission,
  listReviewQueue,
  rejectSubmission,
  rerunSubmission,
} from './reviews.ts';
import { createSubmission, getSubmission, scoreSubmission, startSubmission } from './submissions.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

async function scoredSubmission() {
  const fixture = await makeClassWithBoard(t.db);
  const { submission } = await createSubmission(t.db, {
    userId: fixture.students[0]!.id,
    leaderboardId: fixture.board.id,
    config: { kappa: 100 },
    idempotencyKey: 'r',
  });
  const claimed = await startSubmission(t.db, submission.id);
  await scoreSubmission(t.db, {
    id: submission.id,
    attempt: claimed!.attempts,
    publicScore: 3,
    privateScore: 4,
  });
  return { ...fixture, submission };
}

describe('review actions', () => {
  it('approve, flag, reject and hide: instructors only, each recorded in the audit log', async () => {
    const { instructor, students, klass, submission } = await scoredSubmission();
    const input = { submissionId: submission.id, reviewerId: instructor.id };
    await expect(approveSubmission(t.db, { ...input, reviewerId: students[1]!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(approveSubmission(t.db, { ...input, submissionId: 'missing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await flagSubmission(t.db, { ...input, reason: 'β outside the lesson range' })).toMatchObject({
      reviewState: 'FLAGGED',
      reviewReason: 'β outside the lesson range',
      reviewedById: instructor.id,
    });
    expect(await approveSubmission(t.db, input)).toMatchObject({
      reviewState: 'APPROVED',
      reviewReason: null,
    });
    expect(await rejectSubmission(t.db, { ...input, reason: 'copied' })).toMatchObject({
      reviewState: 'REJECTED',
    });
    expect(await hideSubmission(t.db, { ...input, hidden: true })).toMatchObject({ hidden: true });
    expect(await hideSubmission(t.db, { ...input, hidden: false })).toMatchObject({ hidden: false });
    const log = await listAuditLog(t.db, { subjectType: 'submission', subjectId: submission.id });
    expect(log.map((e) => e.action)).toEqual([
      'submission.unhide',
      'submission.hide',
      'submission.reject',
      'submission.approve',
      'submission.flag',
    ]);
    expect(log.every((e) => e.actorId === instructor.id && e.classId === klass.id)).toBe(true);
    expect(log[2]!.data).toEqual({ from: 'APPROVED', to: 'REJECTED', reason: 'copied' });
  });

  it('rerun puts a finished submission back in the queue with its scores cleared', async () => {
    const { instructor, submission } = await scoredSubmission();
    const input = { submissionId: submission.id, reviewerId: instructor.id, reason: 'scorer fixed' };
    const rerun = await rerunSubmission(t.db, input);
    expect(rerun).toMatchObject({ status: 'QUEUED', publicScore: null, privateScore: null, metrics: null });
    await expect(rerunSubmission(t.db, input)).rejects.toMatchObject({ code: 'CONFLICT' });
    const [entry] = await listAuditLog(t.db, { subjectId: submission.id });
    expect(entry).toMatchObject({ action: 'submission.rerun' });
    expect(entry!.data).toMatchObject({ previous: { status: 'SCORED', publicScore: 3, privateScore: 4 } });
    // A rerun starts a fresh attempt budget: the worker fails submissions claimed more than maxAttempts times.
    expect((await getSubmission(t.db, submission.id)).attempts).toBe(0);
  });

  it('lists the review queue of a class: scored, pending or flagged, oldest first', async () => {
    const { instructor, students, klass, board, submission } = await scoredSubmission();
    const { submission: second } = await createSubmission(t.db, {
      userId: students[1]!.id,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: 'q',
    });
    const claimed = await startSubmission(t.db, second.id);
    await scoreSubmission(t.db, {
      id: second.id,
      attempt: claimed!.attempts,
      publicScore: 1,
      privateScore: 1,
    });
    await createSubmission(t.db, {
      userId: students[1]!.id,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: 'unscored',
    });
    await flagSubmission(t.db, { submissionId: second.id, reviewerId: instructor.id });
    const queue = await listReviewQueue(t.db, { classId: klass.id, reviewerId: instructor.id });
    expect(queue.map((s) => s.id)).toEqual([submission.id, second.id]);
    expect(queue[0]!.user.name).toBe(students[0]!.name);
    await approveSubmission(t.db, { submissionId: submission.id, reviewerId: instructor.id });
    expect(
      (await listReviewQueue(t.db, { classId: klass.id, reviewerId: instructor.id })).map((s) => s.id),
    ).toEqual([second.id]);
    await expect(
      listReviewQueue(t.db, { classId: klass.id, reviewerId: students[0]!.id }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
