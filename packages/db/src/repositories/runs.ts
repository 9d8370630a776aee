// Experiment runs requested from the lab page or the Discord bot. QUEUED → RUNNING → DONE | FAILED.
import { PaperlabError } from '@paperlab/core';
import type { DbTx } from '../client.ts';
import type { ExperimentRun, Prisma, RunSource } from '../generated/prisma/client.ts';

export interface CreateRunInput {
  source: RunSource;
  experimentId: string;
  config: Prisma.InputJsonValue;
  userId?: string | null;
  discordUserId?: string | null;
  discordGuildId?: string | null;
  discordChannelId?: string | null;
}

/** Stores a QUEUED run; the caller enqueues its `experiment-run` job. */
export async function createRun(db: DbTx, input: CreateRunInput): Promise<ExperimentRun> {
  if (input.source === 'BOT' && !input.discordUserId) {
    throw new PaperlabError('INVALID_CONFIG', 'A run from the bot needs the Discord user who asked for it.');
  }
  return db.experimentRun.create({
    data: {
      source: input.source,
      experimentId: input.experimentId,
      config: input.config,
      userId: input.userId ?? null,
      discordUserId: input.discordUserId ?? null,
      discordGuildId: input.discordGuildId ?? null,
      discordChannelId: input.discordChannelId ?? null,
    },
  });
}

/** The run with this id; NOT_FOUND otherwise. */
export async function getRun(db: DbTx, id: string): Promise<ExperimentRun> {
  const run = await db.experimentRun.findUnique({ where: { id } });
  if (!run) throw new PaperlabError('NOT_FOUND', 'That run does not exist.');
  return run;
}

/** Claims a QUEUED (or abandoned RUNNING) run: RUNNING, attempts + 1. Null when it already finished. */
export async function startRun(db: DbTx, id: string, now = new Date()): Promise<ExperimentRun | null> {
  const [claimed] = await db.experimentRun.updateManyAndReturn({
    where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: 'RUNNING', attempts: { increment: 1 }, startedAt: now },
  });
  return claimed ?? null;
}

export interface FinishRunInput {
  id: string;
  attempt: number;
  result: Prisma.InputJsonValue;
  durationMs: number;
  now?: Date;
}

/** Stores a run's result (the core RunOutput). Null when another attempt took over or finished it. */
export async function finishRun(db: DbTx, input: FinishRunInput): Promise<ExperimentRun | null> {
  const [done] = await db.experimentRun.updateManyAndReturn({
    where: { id: input.id, status: 'RUNNING', attempts: input.attempt },
    data: {
      status: 'DONE',
      result: input.result,
      durationMs: Math.round(input.durationMs),
      error: null,
      errorCode: null,
      finishedAt: input.now ?? new Date(),
    },
  });
  return done ?? null;
}

export interface FailRunInput {
  id: string;
  /** The failing attempt; omit to fail whatever attempt holds it. */
  attempt?: number;
  code: string;
  message: string;
  now?: Date;
}

/** Marks a run FAILED with a message for the person who asked for it. */
export async function failRun(db: DbTx, input: FailRunInput): Promise<ExperimentRun | null> {
  const [failed] = await db.experimentRun.updateManyAndReturn({
    where: {
      id: input.id,
      status: { in: ['QUEUED', 'RUNNING'] },
      ...(input.attempt !== undefined ? { attempts: input.attempt } : {}),
    },
    data: {
      status: 'FAILED',
      errorCode: input.code,
      error: input.message,
      finishedAt: input.now ?? new Date(),
    },
  });
  return failed ?? null;
}

/** Recent runs of a web user or a Discord user, newest first. */
export async function listRecentRuns(
  db: DbTx,
  { userId, discordUserId, limit = 20 }: { userId?: string; discordUserId?: string; limit?: number },
) {
  if (!userId && !discordUserId) throw new PaperlabError('INVALID_CONFIG', 'Name a user or a Discord user.');
  return db.experimentRun.findMany({
    where: userId ? { userId } : { discordUserId: discordUserId as string },
    orderBy: { createdAt: 'desc' },
    take: Math.min(Math.max(1, limit), 200),
  });
}

/** Runs waiting or running ahead of this one (the bot shows it as a queue position). */
export async function countRunsAhead(db: DbTx, run: Pick<ExperimentRun, 'createdAt'>): Promise<number> {
  return db.experimentRun.count({
    where: { status: { in: ['QUEUED', 'RUNNING'] }, createdAt: { lt: run.createdAt } },
  });
}
