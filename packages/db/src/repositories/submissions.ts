// Leaderboard submissions: created idempotently under the board's window and daily cap, then scored or
// failed by a worker. The row is the durable record; jobs only carry its id.
import { PaperlabError } from '@paperlab/core';
import type { Db, DbTx } from '../client.ts';
import { hashConfig } from '../config-hash.ts';
import type { Submission } from '../generated/prisma/client.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** Midnight UTC of the day `now` falls in: the daily cap resets then. */
export const startOfUtcDay = (now: Date): Date =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

export interface CreateSubmissionInput {
  userId: string;
  leaderboardId: string;
  config: Prisma.InputJsonValue;
  /** Chosen by the client per attempt; a retry with the same key returns the first submission. */
  idempotencyKey: string;
  now?: Date;
}

export interface CreateSubmissionResult {
  readonly submission: Submission;
  /** False when the idempotency key had been used: nothing new was stored. */
  readonly created: boolean;
}

const findByKey = (db: DbTx, { userId, leaderboardId, idempotencyKey }: CreateSubmissionInput) =>
  db.submission.findUnique({
    where: { userId_leaderboardId_idempotencyKey: { userId, leaderboardId, idempotencyKey } },
  });

const sameRequest = (existing: Submission, configHash: string): CreateSubmissionResult => {
  if (existing.configHash !== configHash) {
    throw new PaperlabError(
      'CONFLICT',
      'This submission key was already used for a different configuration.',
    );
  }
  return { submission: existing, created: false };
};

/**
 * Stores a submission as QUEUED — before anything else happens to it — after checking, in one transaction
 * serialised per user and board: membership (FORBIDDEN), the board's window (FORBIDDEN), and the daily cap
 * (LIMIT_REACHED; FAILED submissions do not count). Idempotent by key. Validation of the config itself is the
 * scorer's job, so an invalid config is kept and failed rather than lost.
 */
export async function createSubmission(
  db: Db,
  input: CreateSubmissionInput,
): Promise<CreateSubmissionResult> {
  const { userId, leaderboardId, config, idempotencyKey, now = new Date() } = input;
  if (!idempotencyKey || idempotencyKey.length > 200) {
    throw new PaperlabError(
      'INVALID_CONFIG',
      'A submission needs an idempotency key of 1 to 200 characters.',
    );
  }
  const configHash = hashConfig(config);
  const existing = await findByKey(db, input);
  if (existing) return sameRequest(existing, configHash);
  try {
    return await db.$transaction(
      async (tx) => {
        // One writer per (user, board) at a time, so the cap check and the insert cannot interleave.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`submission:${userId}:${leaderboardId}`}, 0))`;
        const again = await findByKey(tx, input);
        if (again) return sameRequest(again, configHash);
        const board = await tx.leaderboard.findUnique({ where: { id: leaderboardId } });
        if (!board) throw new PaperlabError('NOT_FOUND', 'That leaderboard does not exist.');
        const member = await tx.membership.findUnique({
          where: { userId_classId: { userId, classId: board.classId } },
        });
        if (!member)
          throw new PaperlabError('FORBIDDEN', 'Join the class before submitting to its leaderboard.');
        if (now < board.opensAt) {
          throw new PaperlabError('FORBIDDEN', `This leaderboard opens at ${board.opensAt.toISOString()}.`);
        }
        if (now >= board.closesAt) {
          throw new PaperlabError('FORBIDDEN', `This leaderboard closed at ${board.closesAt.toISOString()}.`);
        }
        const used = await tx.submission.count({
          where: { userId, leaderboardId, createdAt: { gte: startOfUtcDay(now) }, status: { not: 'FAILED' } },
        });
        if (used >= board.dailyCap) {
          throw new PaperlabError(
            'LIMIT_REACHED',
            `You have used all ${board.dailyCap} submissions for today on this leaderboard; more at 00:00 UTC.`,
          );
        }
        const submission = await tx.submission.create({
          data: { userId, leaderboardId, config, configHash, idempotencyKey, createdAt: now },
        });
        return { submission, created: true };
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (e) {
    // Two requests with one key that raced past the first lookup on different connections.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
      const winner = await findByKey(db, input);
      if (winner) return sameRequest(winner, configHash);
    }
    throw e;
  }
}

/** The submission with this id; NOT_FOUND otherwise. */
export async function getSubmission(db: DbTx, id: string): Promise<Submission> {
  const found = await db.submission.findUnique({ where: { id } });
  if (!found) throw new PaperlabError('NOT_FOUND', 'That submission does not exist.');
  return found;
}

/** A user's submissions on a board, newest first. */
export function listUserSubmissions(
  db: DbTx,
  { userId, leaderboardId }: { userId: string; leaderboardId: string },
) {
  return db.submission.findMany({ where: { userId, leaderboardId }, orderBy: { createdAt: 'desc' } });
}

/**
 * Claims a QUEUED (or abandoned RUNNING) submission for scoring: RUNNING, attempts + 1. Returns null when it is
 * already SCORED or FAILED, so a redelivered job does nothing.
 */
export async function startSubmission(db: DbTx, id: string, now = new Date()): Promise<Submission | null> {
  const [claimed] = await db.submission.updateManyAndReturn({
    where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: 'RUNNING', attempts: { increment: 1 }, startedAt: now },
  });
  return claimed ?? null;
}

export interface ScoreSubmissionInput {
  id: string;
  /** The attempt that computed the scores (from `startSubmission`); a superseded attempt writes nothing. */
  attempt: number;
  publicScore: number | null;
  privateScore: number | null;
  metrics?: Prisma.InputJsonValue;
  now?: Date;
}

/** Stores the scores of a RUNNING submission. Returns null when another attempt took over or finished it. */
export async function scoreSubmission(db: DbTx, input: ScoreSubmissionInput): Promise<Submission | null> {
  const [scored] = await db.submission.updateManyAndReturn({
    where: { id: input.id, status: 'RUNNING', attempts: input.attempt },
    data: {
      status: 'SCORED',
      publicScore: input.publicScore,
      privateScore: input.privateScore,
      ...(input.metrics !== undefined ? { metrics: input.metrics } : {}),
      error: null,
      errorCode: null,
      scoredAt: input.now ?? new Date(),
    },
  });
  return scored ?? null;
}

export interface FailSubmissionInput {
  id: string;
  /** The failing attempt; omit to fail whatever attempt holds it (e.g. giving up after too many). */
  attempt?: number;
  code: string;
  message: string;
}

/** Marks a submission FAILED with a message for the student. FAILED submissions do not use up the cap. */
export async function failSubmission(db: DbTx, input: FailSubmissionInput): Promise<Submission | null> {
  const [failed] = await db.submission.updateManyAndReturn({
    where: {
      id: input.id,
      status: { in: ['QUEUED', 'RUNNING'] },
      ...(input.attempt !== undefined ? { attempts: input.attempt } : {}),
    },
    data: { status: 'FAILED', errorCode: input.code, error: input.message },
  });
  return failed ?? null;
}
