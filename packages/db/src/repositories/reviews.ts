// Instructor review of submissions: approve, reject, flag, hide, rerun. Every action writes the audit log in
// the same transaction.
import { PaperlabError } from '@paperlab/core';
import type { Db, DbTx } from '../client.ts';
import { Prisma, type ReviewState, type Submission } from '../generated/prisma/client.ts';
import { appendAudit } from './audit.ts';
import { assertInstructor } from './classes.ts';

export interface ReviewInput {
  submissionId: string;
  reviewerId: string;
  reason?: string;
  now?: Date;
}

async function loadForReview(tx: DbTx, { submissionId, reviewerId }: ReviewInput) {
  const submission = await tx.submission.findUnique({
    where: { id: submissionId },
    include: { leaderboard: { select: { classId: true } } },
  });
  if (!submission) throw new PaperlabError('NOT_FOUND', 'That submission does not exist.');
  await assertInstructor(tx, { userId: reviewerId, classId: submission.leaderboard.classId });
  return submission;
}

function setReviewState(action: string, state: ReviewState) {
  return (db: Db, input: ReviewInput): Promise<Submission> =>
    db.$transaction(async (tx) => {
      const before = await loadForReview(tx, input);
      const now = input.now ?? new Date();
      const updated = await tx.submission.update({
        where: { id: before.id },
        data: {
          reviewState: state,
          reviewedById: input.reviewerId,
          reviewReason: input.reason ?? null,
          reviewedAt: now,
        },
      });
      await appendAudit(tx, {
        actorId: input.reviewerId,
        classId: before.leaderboard.classId,
        action,
        subjectType: 'submission',
        subjectId: before.id,
        data: { from: before.reviewState, to: state, ...(input.reason ? { reason: input.reason } : {}) },
      });
      return updated;
    });
}

/** Approves a submission: it stays on the leaderboard for good. */
export const approveSubmission = setReviewState('submission.approve', 'APPROVED');
/** Rejects a submission: it leaves the leaderboard. */
export const rejectSubmission = setReviewState('submission.reject', 'REJECTED');
/** Flags a submission for a closer look: it leaves the leaderboard until approved. */
export const flagSubmission = setReviewState('submission.flag', 'FLAGGED');

/** Hides (or shows again) a submission on the leaderboard without changing its review state. */
export function hideSubmission(db: Db, input: ReviewInput & { hidden: boolean }): Promise<Submission> {
  return db.$transaction(async (tx) => {
    const before = await loadForReview(tx, input);
    const updated = await tx.submission.update({ where: { id: before.id }, data: { hidden: input.hidden } });
    await appendAudit(tx, {
      actorId: input.reviewerId,
      classId: before.leaderboard.classId,
      action: input.hidden ? 'submission.hide' : 'submission.unhide',
      subjectType: 'submission',
      subjectId: before.id,
      data: input.reason ? { reason: input.reason } : {},
    });
    return updated;
  });
}

/**
 * Puts a submission back in the queue (e.g. after a platform failure or a scoring fix): QUEUED, scores and
 * error cleared, and a fresh budget of attempts (the worker fails a submission claimed too often, so a rerun
 * must not inherit the old count). The caller enqueues its `submission-score` job. CONFLICT while it is
 * still being scored — so no worker holds an attempt number that the reset could collide with.
 */
export function rerunSubmission(db: Db, input: ReviewInput): Promise<Submission> {
  return db.$transaction(async (tx) => {
    const before = await loadForReview(tx, input);
    if (before.status === 'QUEUED' || before.status === 'RUNNING') {
      throw new PaperlabError('CONFLICT', 'This submission is already waiting to be scored.');
    }
    const updated = await tx.submission.update({
      where: { id: before.id },
      data: {
        status: 'QUEUED',
        attempts: 0,
        publicScore: null,
        privateScore: null,
        metrics: Prisma.DbNull,
        error: null,
        errorCode: null,
        scoredAt: null,
      },
    });
    await appendAudit(tx, {
      actorId: input.reviewerId,
      classId: before.leaderboard.classId,
      action: 'submission.rerun',
      subjectType: 'submission',
      subjectId: before.id,
      data: {
        previous: {
          status: before.status,
          publicScore: before.publicScore,
          privateScore: before.privateScore,
        },
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
    return updated;
  });
}

export interface ListReviewQueueInput {
  classId: string;
  reviewerId: string;
  states?: ReviewState[];
  limit?: number;
}

/** Scored submissions of a class waiting for review (pending and flagged by default), oldest first. */
export async function listReviewQueue(
  db: DbTx,
  { classId, reviewerId, states = ['PENDING', 'FLAGGED'], limit = 50 }: ListReviewQueueInput,
) {
  await assertInstructor(db, { userId: reviewerId, classId });
  return db.submission.findMany({
    where: { reviewState: { in: states }, status: 'SCORED', leaderboard: { classId } },
    include: { user: { select: { id: true, name: true } }, leaderboard: { select: { exerciseId: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: Math.min(Math.max(1, limit), 500),
  });
}
