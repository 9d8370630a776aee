/**
 * pg-boss queues on the same database. Jobs carry row ids only — the ExperimentRun and Submission rows are
 * the truth — so a job can be retried, duplicated or re-created from the rows without losing anything.
 */
import { getExperiment, type Limits } from '@paperlab/core';
import PgBoss from 'pg-boss';
import type { DbTx } from './client.ts';

export const QUEUES = {
  experimentRun: 'experiment-run',
  submissionScore: 'submission-score',
  runFinished: 'run-finished',
} as const;

export interface ExperimentRunJob {
  runId: string;
}
export interface SubmissionScoreJob {
  submissionId: string;
}
/** Emitted when a run or a submission reaches a final state (the bot posts charts of finished runs). */
export type RunFinishedJob =
  | { kind: 'run'; runId: string; status: 'DONE' | 'FAILED' }
  | { kind: 'submission'; submissionId: string; status: 'SCORED' | 'FAILED' };

/** Retries with exponential backoff (pg-boss: delay · 2^retry, with jitter). */
const RETRY = { retryLimit: 4, retryDelay: 2, retryBackoff: true } as const;
/** Slack on top of an experiment's own time limit before pg-boss presumes the worker dead. */
const EXPIRY_GRACE_SECONDS = 60;

export type Queue = PgBoss;

export interface StartQueueOptions {
  url: string;
  /** Connections of pg-boss's own pool. */
  max?: number;
  /** How often expired jobs (whose worker died) are failed into a retry; pg-boss's default is 120 s. */
  maintenanceIntervalSeconds?: number;
  /** Run pg-boss maintenance in this process (workers do; web and bot need not). */
  supervise?: boolean;
  /** pg-boss reports connection trouble here instead of crashing the process. */
  onError?: (error: Error) => void;
}

/** Starts pg-boss (installing or upgrading its schema) and makes sure paperlab's queues exist. */
export async function startQueue({
  url,
  max = 4,
  maintenanceIntervalSeconds = 30,
  supervise = false,
  onError = (e) => console.error(`[queue] ${e.message}`),
}: StartQueueOptions): Promise<Queue> {
  const boss = new PgBoss({
    connectionString: url,
    max,
    supervise,
    schedule: false,
    maintenanceIntervalSeconds,
    application_name: 'paperlab',
  });
  boss.on('error', onError);
  await boss.start();
  for (const name of Object.values(QUEUES)) {
    if (await boss.getQueue(name)) continue;
    try {
      await boss.createQueue(name, {
        name,
        ...RETRY,
        expireInSeconds: 15 * 60,
        retentionMinutes: 7 * 24 * 60,
      });
    } catch (e) {
      // Another process created it between our check and our insert.
      if (!(await boss.getQueue(name))) throw e;
    }
  }
  return boss;
}

/**
 * Seconds after which an active job whose worker stopped answering is failed into a retry: the experiment's
 * wall-clock budget for `runs` runs plus a grace period.
 */
export function jobExpirySeconds(limits: Pick<Limits, 'maxMillis'>, runs = 1): number {
  return Math.ceil((limits.maxMillis * runs) / 1000) + EXPIRY_GRACE_SECONDS;
}

export interface EnqueueOptions {
  /** Override of the expiry computed from the experiment's limits (tests use a short one). */
  expireInSeconds?: number;
}

const experimentLimits = (experimentId: string): Pick<Limits, 'maxMillis'> => {
  try {
    return getExperiment(experimentId).limits;
  } catch {
    // An unknown experiment fails fast in the worker; any expiry will do.
    return { maxMillis: 60_000 };
  }
};

/** Enqueues the run of a stored ExperimentRun row. */
export async function enqueueExperimentRun(
  boss: Queue,
  run: { id: string; experimentId: string },
  { expireInSeconds }: EnqueueOptions = {},
): Promise<string | null> {
  return boss.send(QUEUES.experimentRun, { runId: run.id } satisfies ExperimentRunJob, {
    ...RETRY,
    expireInSeconds: expireInSeconds ?? jobExpirySeconds(experimentLimits(run.experimentId)),
  });
}

/** Enqueues the scoring of a stored Submission row (one run per public and private seed). */
export async function enqueueSubmissionScore(
  boss: Queue,
  submission: { id: string },
  board: { experimentId: string; publicSeeds: number[]; privateSeeds: number[] },
  { expireInSeconds }: EnqueueOptions = {},
): Promise<string | null> {
  const runs = board.publicSeeds.length + board.privateSeeds.length;
  return boss.send(QUEUES.submissionScore, { submissionId: submission.id } satisfies SubmissionScoreJob, {
    ...RETRY,
    expireInSeconds: expireInSeconds ?? jobExpirySeconds(experimentLimits(board.experimentId), runs),
  });
}

/** Announces a finished run or submission on `run-finished`. */
export function emitRunFinished(boss: Queue, event: RunFinishedJob): Promise<string | null> {
  return boss.send(QUEUES.runFinished, event, { retryLimit: 2, retryDelay: 5 });
}

export interface RecoverOptions {
  /** Only rows untouched for this long: younger ones may be between their insert and their enqueue. */
  olderThanSeconds?: number;
  now?: Date;
}

/**
 * Re-enqueues rows left QUEUED or RUNNING with no live job (created, retry or active) pointing at them — a
 * process that died between storing a row and enqueueing it, a job that exhausted its retries while the
 * database was away. Returns the ids it re-enqueued.
 */
export async function recoverOrphans(
  db: DbTx,
  boss: Queue,
  { olderThanSeconds = 60, now = new Date() }: RecoverOptions = {},
): Promise<{ runs: string[]; submissions: string[] }> {
  const cutoff = new Date(now.getTime() - olderThanSeconds * 1000);
  const runs = await db.$queryRaw<{ id: string; experimentId: string }[]>`
    SELECT r.id, r."experimentId" FROM "ExperimentRun" r
    WHERE r.status IN ('QUEUED', 'RUNNING') AND r."updatedAt" < ${cutoff}
      AND NOT EXISTS (
        SELECT 1 FROM pgboss.job j
        WHERE j.name = ${QUEUES.experimentRun} AND j.data->>'runId' = r.id
          AND j.state IN ('created', 'retry', 'active'))`;
  for (const run of runs) await enqueueExperimentRun(boss, run);
  const submissions = await db.$queryRaw<
    { id: string; experimentId: string; publicSeeds: number[]; privateSeeds: number[] }[]
  >`
    SELECT s.id, b."experimentId", b."publicSeeds", b."privateSeeds"
    FROM "Submission" s JOIN "Leaderboard" b ON b.id = s."leaderboardId"
    WHERE s.status IN ('QUEUED', 'RUNNING') AND s."updatedAt" < ${cutoff}
      AND NOT EXISTS (
        SELECT 1 FROM pgboss.job j
        WHERE j.name = ${QUEUES.submissionScore} AND j.data->>'submissionId' = s.id
          AND j.state IN ('created', 'retry', 'active'))`;
  for (const s of submissions) await enqueueSubmissionScore(boss, s, s);
  return { runs: runs.map((r) => r.id), submissions: submissions.map((s) => s.id) };
}
