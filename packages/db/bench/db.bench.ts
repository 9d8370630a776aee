/**
 * `npm run bench` (packages/db): the leaderboard query on 10 000 submissions by 200 users (median ms), and
 * submissions scored per second by one worker with default configs — on embedded PGlite and, when
 * PAPERLAB_TEST_PG_URL names a PostgreSQL server, on it too. Prints a table and writes
 * bench/results/db.json at the repository root. Figures, never assertions.
 */

import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeBenchResults } from '@paperlab/core/node';
import { dbEnv, REPO_ROOT } from '../src/env.ts';
import { enqueueSubmissionScore, startQueue } from '../src/queue.ts';
import { getStandings } from '../src/repositories/leaderboards.ts';
import { createSubmission } from '../src/repositories/submissions.ts';
import { makeClassWithBoard } from '../src/testing/fixtures.ts';
import { createTestDatabase, type TestBackend, type TestDatabase } from '../src/testing/harness.ts';

const USERS = 200;
const SUBMISSIONS = 10_000;
const QUERY_RUNS = 30;
const SCORED = 40;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** 10 000 submissions (mostly scored, some queued, hidden, flagged or failed) by 200 users on one board. */
async function fillBoard(t: TestDatabase) {
  const { board, klass } = await makeClassWithBoard(t.db, { students: 0 });
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: `bench-user-${i}`,
    name: `User ${i}`,
    email: `u${i}@bench.test`,
  }));
  await t.db.user.createMany({ data: users });
  await t.db.membership.createMany({ data: users.map((u) => ({ userId: u.id, classId: klass.id })) });
  let rng = 12345;
  const random = () => {
    rng = (rng * 1103515245 + 12345) % 2 ** 31;
    return rng / 2 ** 31;
  };
  const rows = Array.from({ length: SUBMISSIONS }, (_, i) => {
    const r = random();
    const status = r < 0.9 ? 'SCORED' : r < 0.95 ? 'QUEUED' : 'FAILED';
    return {
      userId: users[i % USERS]!.id,
      leaderboardId: board.id,
      config: { kappa: 100, beta: random() },
      configHash: `h${i}`,
      idempotencyKey: `k${i}`,
      status: status as 'SCORED' | 'QUEUED' | 'FAILED',
      publicScore: status === 'SCORED' ? 20 + 80 * random() : null,
      privateScore: status === 'SCORED' ? 20 + 80 * random() : null,
      hidden: random() < 0.01,
      reviewState: (random() < 0.02 ? 'FLAGGED' : random() < 0.3 ? 'APPROVED' : 'PENDING') as
        | 'FLAGGED'
        | 'APPROVED'
        | 'PENDING',
      createdAt: new Date(Date.now() - random() * 7 * 86_400_000),
    };
  });
  for (let i = 0; i < rows.length; i += 1000)
    await t.db.submission.createMany({ data: rows.slice(i, i + 1000) });
  return board;
}

async function leaderboardQuery(t: TestDatabase): Promise<number[]> {
  const board = await fillBoard(t);
  await t.db.$executeRawUnsafe('ANALYZE');
  await getStandings(t.db, { leaderboardId: board.id }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) {
    const start = performance.now();
    const { standings } = await getStandings(t.db, { leaderboardId: board.id });
    times.push(performance.now() - start);
    if (standings.length !== USERS) throw new Error(`expected ${USERS} standings, got ${standings.length}`);
  }
  return times;
}

/**
 * One worker process (`apps/worker`, default concurrency: cores − 1), started on a queue of submissions with
 * default configs. The rate is taken between the first and the last score, so process and thread start-up do
 * not count.
 */
async function scoringThroughput(
  t: TestDatabase,
  experimentId: string,
): Promise<{ perSecond: number; seconds: number }> {
  const { board, students } = await makeClassWithBoard(t.db, {
    students: 1,
    dailyCap: SCORED,
    experimentId,
    exerciseId: experimentId,
  });
  const producer = await startQueue({ url: t.url, onError: () => {} });
  for (let i = 0; i < SCORED; i++) {
    const { submission } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: `throughput-${i}`,
    });
    await enqueueSubmissionScore(producer, submission, board);
  }
  const worker = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/worker/src/main.ts')], {
    env: { ...process.env, DATABASE_URL: t.url, PAPERLAB_WORKER_POLL_SECONDS: '0.5' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      const done = await t.db.submission.count({
        where: { leaderboardId: board.id, status: { in: ['SCORED', 'FAILED'] } },
      });
      if (done === SCORED) break;
      if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => (worker.exitCode !== null ? r(null) : worker.once('exit', r)));
    await producer.stop({ graceful: false, close: true });
  }
  const times = await t.db.submission.aggregate({
    where: { leaderboardId: board.id },
    _min: { scoredAt: true },
    _max: { scoredAt: true },
  });
  const seconds = (times._max.scoredAt!.getTime() - times._min.scoredAt!.getTime()) / 1000;
  return { perSecond: (SCORED - 1) / seconds, seconds };
}

interface Row {
  name: string;
  backend: TestBackend;
  value: number;
  unit: string;
  target: string;
  detail?: unknown;
}
const rows: Row[] = [];
const backends: TestBackend[] = dbEnv.PAPERLAB_TEST_PG_URL ? ['pglite', 'postgres'] : ['pglite'];
for (const backend of backends) {
  const t = await createTestDatabase({ backend });
  try {
    const times = await leaderboardQuery(t);
    rows.push({
      name: `leaderboard query (${SUBMISSIONS} submissions, ${USERS} users)`,
      backend,
      value: median(times),
      unit: 'ms (median)',
      target: '≤ 20 ms',
      detail: { runsMs: times.map((x) => Math.round(x * 100) / 100) },
    });
    for (const experimentId of ['deep-linear-stacking', 'stacking-beta-sweep']) {
      const { perSecond, seconds } = await scoringThroughput(t, experimentId);
      rows.push({
        name: `submissions scored by one worker (${experimentId}, default config, 2+2 seeds)`,
        backend,
        value: perSecond,
        unit: 'per second',
        target: '≥ 20 /s',
        detail: { submissions: SCORED, seconds: Math.round(seconds * 100) / 100 },
      });
    }
  } finally {
    await t.close();
  }
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`\n@paperlab/db (${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version})\n`);
console.log(`${'case'.padEnd(width)}  ${'backend'.padEnd(8)}  ${'value'.padStart(10)}  unit          target`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(width)}  ${r.backend.padEnd(8)}  ${r.value.toFixed(1).padStart(10)}  ${r.unit.padEnd(12)}  ${r.target}`,
  );
}
const written = writeBenchResults('db', {
  cases: rows.map((r) => ({ ...r, value: Math.round(r.value * 100) / 100 })),
});
console.log(`\nwritten to ${written}`);
process.exit(0);
