// Leaderboards (class × exercise) and their standings.
import { getExperiment, PaperlabError } from '@paperlab/core';
import type { Db, DbTx } from '../client.ts';
import type { Leaderboard } from '../generated/prisma/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { appendAudit } from './audit.ts';
import { assertInstructor } from './classes.ts';

export interface CreateLeaderboardInput {
  actorId: string;
  classId: string;
  exerciseId: string;
  experimentId: string;
  opensAt: Date;
  closesAt: Date;
  revealAt: Date;
  dailyCap?: number;
  publicSeeds: number[];
  privateSeeds: number[];
  /** Ranking direction; defaults to the experiment's own (`better` of its headline). */
  higherIsBetter?: boolean;
}

const isSeed = (s: number) => Number.isInteger(s) && s >= 0 && s <= 2_147_483_647;

/** Creates the board of one exercise in one class. Instructors only; CONFLICT if the class already has it. */
export async function createLeaderboard(db: Db, input: CreateLeaderboardInput): Promise<Leaderboard> {
  const { actorId, classId, opensAt, closesAt, revealAt, publicSeeds, privateSeeds, dailyCap = 5 } = input;
  const experiment = getExperiment(input.experimentId); // UNKNOWN_EXPERIMENT for a typo, before anything is stored
  if (!(opensAt < closesAt))
    throw new PaperlabError('INVALID_CONFIG', 'A leaderboard must open before it closes.');
  if (!Number.isInteger(dailyCap) || dailyCap < 1) {
    throw new PaperlabError(
      'INVALID_CONFIG',
      `The daily cap must be a whole number of at least 1; got ${dailyCap}.`,
    );
  }
  if (
    publicSeeds.length === 0 ||
    privateSeeds.length === 0 ||
    ![...publicSeeds, ...privateSeeds].every(isSeed)
  ) {
    throw new PaperlabError(
      'INVALID_CONFIG',
      'A leaderboard needs at least one public and one private seed (0 … 2³¹−1).',
    );
  }
  if (publicSeeds.some((s) => privateSeeds.includes(s))) {
    throw new PaperlabError('INVALID_CONFIG', 'Private seeds must differ from the public ones.');
  }
  return db.$transaction(async (tx) => {
    await assertInstructor(tx, { userId: actorId, classId });
    const taken = await tx.leaderboard.findUnique({
      where: { classId_exerciseId: { classId, exerciseId: input.exerciseId } },
    });
    if (taken) throw new PaperlabError('CONFLICT', 'This class already has a leaderboard for that exercise.');
    const board = await tx.leaderboard.create({
      data: {
        classId,
        exerciseId: input.exerciseId,
        experimentId: input.experimentId,
        opensAt,
        closesAt,
        revealAt,
        dailyCap,
        publicSeeds,
        privateSeeds,
        higherIsBetter: input.higherIsBetter ?? experiment.better === 'higher',
      },
    });
    await appendAudit(tx, {
      actorId,
      classId,
      action: 'leaderboard.create',
      subjectType: 'leaderboard',
      subjectId: board.id,
      data: { exerciseId: input.exerciseId, dailyCap },
    });
    return board;
  });
}

/** The board with this id; NOT_FOUND otherwise. */
export async function getLeaderboard(db: DbTx, id: string): Promise<Leaderboard> {
  const board = await db.leaderboard.findUnique({ where: { id } });
  if (!board) throw new PaperlabError('NOT_FOUND', 'That leaderboard does not exist.');
  return board;
}

/** A class's boards, soonest closing first. */
export function listClassLeaderboards(db: DbTx, classId: string): Promise<Leaderboard[]> {
  return db.leaderboard.findMany({
    where: { classId },
    orderBy: [{ closesAt: 'asc' }, { exerciseId: 'asc' }],
  });
}

/** One line of a leaderboard. */
export interface Standing {
  /** 1-based position; null while the user has no score yet. */
  readonly rank: number | null;
  readonly userId: string;
  readonly userName: string;
  readonly submissionId: string;
  /** The public score before the reveal, the private score after. */
  readonly score: number | null;
  readonly submittedAt: Date;
  readonly reviewState: 'PENDING' | 'APPROVED';
}

export interface GetStandingsInput {
  leaderboardId: string;
  /** Decides public or private scores (default: now). */
  now?: Date;
  /** Show private scores regardless of the reveal time (instructors). */
  revealPrivate?: boolean;
}

/**
 * The standings of a board: each user's best approved-or-pending, visible submission (public score before
 * `revealAt`, private after), best first in the board's direction, ties to the earlier submission, users with
 * nothing scored yet last. One query; served by the (leaderboardId, status, hidden, reviewState) index.
 */
export async function getStandings(
  db: DbTx,
  { leaderboardId, now = new Date(), revealPrivate = false }: GetStandingsInput,
): Promise<{ board: Leaderboard; revealed: boolean; standings: Standing[] }> {
  const board = await getLeaderboard(db, leaderboardId);
  const revealed = revealPrivate || now >= board.revealAt;
  const score = Prisma.raw(revealed ? '"privateScore"' : '"publicScore"');
  const direction = Prisma.raw(board.higherIsBetter ? 'DESC' : 'ASC');
  const rows = await db.$queryRaw<
    {
      userId: string;
      userName: string;
      submissionId: string;
      score: number | null;
      submittedAt: Date;
      reviewState: 'PENDING' | 'APPROVED';
    }[]
  >`
    WITH best AS (
      SELECT DISTINCT ON (s."userId")
             s."userId", s.id AS "submissionId", s.${score} AS score, s."createdAt" AS "submittedAt", s."reviewState"
      FROM "Submission" s
      WHERE s."leaderboardId" = ${leaderboardId}
        AND s.hidden = false
        AND s."reviewState" IN ('PENDING', 'APPROVED')
        AND s.status IN ('QUEUED', 'RUNNING', 'SCORED')
      ORDER BY s."userId", (s.${score} IS NULL), s.${score} ${direction}, s."createdAt" ASC, s.id ASC
    )
    SELECT b.*, u.name AS "userName"
    FROM best b JOIN "User" u ON u.id = b."userId"
    ORDER BY (b.score IS NULL), b.score ${direction}, b."submittedAt" ASC, b."submissionId" ASC`;
  let rank = 0;
  const standings = rows.map((r) => ({ ...r, rank: r.score === null ? null : ++rank }));
  return { board, revealed, standings };
}
