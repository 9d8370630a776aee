/**
 * The worker: consumes `experiment-run` and `submission-score`, runs experiments through a pool of worker
 * threads, stores results on the rows and announces them on `run-finished`. Stateless: any number of these
 * may run against one database. Rows are claimed with an attempt number, so a job delivered twice (its first
 * worker died, or overran its expiry) is stored exactly once.
 */
import { isPaperlabError, RETRYABLE_CODES, type RunOutput } from '@paperlab/core';
import {
  consume,
  type Db,
  type ExerciseScorer,
  type ExperimentRunJob,
  emitRunFinished,
  failRun,
  failSubmission,
  finishRun,
  getLeaderboard,
  type Prisma,
  QUEUES,
  type Queue,
  recoverOrphans,
  type SubmissionScoreJob,
  scorerFor,
  scoreSubmission,
  startRun,
  startSubmission,
} from '@paperlab/db';

/** Runs experiments (the core worker pool, or anything with its `run`). */
export interface ExperimentRunner {
  run(experimentId: string, config: unknown): Promise<RunOutput>;
}

export interface StartWorkerOptions {
  db: Db;
  boss: Queue;
  runner: ExperimentRunner;
  /** Jobs handled at once per queue; size the runner's pool to match. */
  concurrency: number;
  pollingIntervalSeconds?: number;
  /** How often, and after how long untouched, rows without a job are re-enqueued. */
  recoverySeconds?: number;
  /** Attempts after which a row is failed instead of tried again (a poison job must not loop forever). */
  maxAttempts?: number;
  /** Score functions by exercise id, ahead of the registered ones (tests, experiments with exercises). */
  scorers?: ReadonlyMap<string, ExerciseScorer>;
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** Re-enqueues rows left QUEUED/RUNNING without a live job; returns their ids. */
  recover(olderThanSeconds?: number): Promise<{ runs: string[]; submissions: string[] }>;
  /** Stops taking jobs, waits up to `timeoutMs` for running ones, and releases the rest for retry. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Errors that are the config's or the experiment's, not the platform's: retrying cannot help. Everything
 * else (a shutdown or crashed thread — core's RETRYABLE_CODES — or a database error) goes back to pg-boss.
 */
const isFinal = (e: unknown): e is { code: string; message: string } =>
  isPaperlabError(e) && !RETRYABLE_CODES.has(e.code);

/** RunOutput as stored JSON (drops undefined, turns non-finite numbers into null). */
const toJson = (value: unknown): Prisma.InputJsonValue =>
  JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { db, boss, runner, concurrency, maxAttempts = 5, scorers, log = () => {} } = options;
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 1;
  const recoverySeconds = options.recoverySeconds ?? 60;

  async function handleRun(runId: string): Promise<void> {
    const claimed = await startRun(db, runId);
    if (!claimed) return; // already DONE or FAILED: a redelivered job
    if (claimed.attempts > maxAttempts) {
      await failRun(db, {
        id: runId,
        code: 'FAILED',
        message: `The run could not be completed in ${maxAttempts} attempts.`,
      });
      await emitRunFinished(boss, { kind: 'run', runId, status: 'FAILED' });
      return;
    }
    let output: RunOutput;
    try {
      output = await runner.run(claimed.experimentId, claimed.config);
    } catch (e) {
      if (!isFinal(e)) throw e; // the platform's trouble: pg-boss retries with backoff
      const failed = await failRun(db, {
        id: runId,
        attempt: claimed.attempts,
        code: e.code,
        message: e.message,
      });
      if (failed) await emitRunFinished(boss, { kind: 'run', runId, status: 'FAILED' });
      return;
    }
    const done = await finishRun(db, {
      id: runId,
      attempt: claimed.attempts,
      result: toJson(output),
      durationMs: output.provenance.durationMs,
    });
    if (done) {
      await emitRunFinished(boss, { kind: 'run', runId, status: 'DONE' });
      log(`run ${runId} (${claimed.experimentId}) done in ${Math.round(output.provenance.durationMs)} ms`);
    }
  }

  async function handleSubmission(submissionId: string): Promise<void> {
    const claimed = await startSubmission(db, submissionId);
    if (!claimed) return;
    if (claimed.attempts > maxAttempts) {
      await failSubmission(db, {
        id: submissionId,
        code: 'FAILED',
        message: `Scoring failed ${maxAttempts} times; it does not count towards your daily limit. An instructor can rerun it.`,
      });
      await emitRunFinished(boss, { kind: 'submission', submissionId, status: 'FAILED' });
      return;
    }
    const board = await getLeaderboard(db, claimed.leaderboardId);
    const score = scorerFor(board.exerciseId, scorers);
    let scores: Awaited<ReturnType<ExerciseScorer>>;
    try {
      scores = await score({
        exerciseId: board.exerciseId,
        experimentId: board.experimentId,
        config: claimed.config,
        publicSeeds: board.publicSeeds,
        privateSeeds: board.privateSeeds,
        run: (experimentId, config) => runner.run(experimentId, config),
      });
    } catch (e) {
      if (!isFinal(e)) throw e;
      const failed = await failSubmission(db, {
        id: submissionId,
        attempt: claimed.attempts,
        code: e.code,
        message: e.message,
      });
      if (failed) await emitRunFinished(boss, { kind: 'submission', submissionId, status: 'FAILED' });
      return;
    }
    const scored = await scoreSubmission(db, {
      id: submissionId,
      attempt: claimed.attempts,
      publicScore: scores.publicScore,
      privateScore: scores.privateScore,
      metrics: toJson(scores.metrics),
    });
    if (scored) {
      await emitRunFinished(boss, { kind: 'submission', submissionId, status: 'SCORED' });
      log(`submission ${submissionId} scored ${scores.publicScore} (public)`);
    }
  }

  const onError = (e: Error) => log(e.message);
  const consumers = [
    consume<ExperimentRunJob>({
      boss,
      queue: QUEUES.experimentRun,
      concurrency,
      pollingIntervalSeconds,
      handle: (data) => handleRun(data.runId),
      onError,
    }),
    consume<SubmissionScoreJob>({
      boss,
      queue: QUEUES.submissionScore,
      concurrency,
      pollingIntervalSeconds,
      handle: (data) => handleSubmission(data.submissionId),
      onError,
    }),
  ];

  const recover = async (olderThanSeconds = recoverySeconds) => {
    const found = await recoverOrphans(db, boss, { olderThanSeconds });
    const n = found.runs.length + found.submissions.length;
    if (n > 0)
      log(
        `re-enqueued ${found.runs.length} runs and ${found.submissions.length} submissions left without a job`,
      );
    return found;
  };
  // Start-up: whatever a crashed process left behind. Rows younger than a few seconds may be between their
  // insert and their enqueue in a live web process, so they are left to the periodic pass.
  await recover(Math.min(10, recoverySeconds));
  const timer = setInterval(() => {
    recover().catch((e: Error) => log(`recovery failed: ${e.message}`));
  }, recoverySeconds * 1000);
  timer.unref();

  return {
    recover,
    async stop(timeoutMs = 30_000) {
      clearInterval(timer);
      await Promise.all(consumers.map((c) => c.stop(timeoutMs)));
      await boss.stop({ graceful: false, close: true });
    },
  };
}
