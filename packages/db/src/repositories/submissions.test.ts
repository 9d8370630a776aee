import { isPaperlabError } from '@paperlab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClassWithBoard, makeUser } from '../testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/harness.ts';
import {
  createSubmission,
  failSubmission,
  getSubmission,
  listUserSubmissions,
  scoreSubmission,
  startOfUtcDay,
  startSubmission,
} from './submissions.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (isPaperlabError(e)) return e.code;
    throw e;
  }
};

describe('createSubmission', () => {
  it('stores a QUEUED submission with the hash of its canonical config', async () => {
    const { board, students } = await makeClassWithBoard(t.db);
    const { submission, created } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: { kappa: 100, beta: 0.8 },
      idempotencyKey: 'k1',
    });
    expect(created).toBe(true);
    expect(submission).toMatchObject({
      status: 'QUEUED',
      reviewState: 'PENDING',
      attempts: 0,
      hidden: false,
    });
    const reordered = await createSubmission(t.db, {
      userId: students[1]!.id,
      leaderboardId: board.id,
      config: { beta: 0.8, kappa: 100 },
      idempotencyKey: 'k1',
    });
    expect(reordered.submission.configHash).toBe(submission.configHash);
    expect(await getSubmission(t.db, submission.id)).toEqual(submission);
  });

  it('returns the first submission for a repeated key, and refuses the key for another config', async () => {
    const { board, students } = await makeClassWithBoard(t.db);
    const input = {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: { kappa: 10 },
      idempotencyKey: 'again',
    };
    const first = await createSubmission(t.db, input);
    const second = await createSubmission(t.db, input);
    expect(second).toEqual({ submission: first.submission, created: false });
    expect(await codeOf(createSubmission(t.db, { ...input, config: { kappa: 11 } }))).toBe('CONFLICT');
    expect(
      await listUserSubmissions(t.db, { userId: students[0]!.id, leaderboardId: board.id }),
    ).toHaveLength(1);
  });

  it('enforces membership, the window, and an existing board', async () => {
    const day = 86_400_000;
    const { board, students } = await makeClassWithBoard(t.db, {
      opensAt: new Date(Date.now() + day),
      closesAt: new Date(Date.now() + 2 * day),
    });
    const outsider = await makeUser(t.db, 'Outsider');
    const base = { leaderboardId: board.id, config: {}, idempotencyKey: 'w' };
    expect(await codeOf(createSubmission(t.db, { ...base, userId: outsider.id }))).toBe('FORBIDDEN');
    expect(await codeOf(createSubmission(t.db, { ...base, userId: students[0]!.id }))).toBe('FORBIDDEN');
    expect(
      await codeOf(
        createSubmission(t.db, { ...base, userId: students[0]!.id, now: new Date(Date.now() + 3 * day) }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        createSubmission(t.db, { ...base, userId: students[0]!.id, now: new Date(Date.now() + 1.5 * day) }),
      ),
    ).toBe('OK');
    expect(
      await codeOf(createSubmission(t.db, { ...base, leaderboardId: 'nope', userId: students[0]!.id })),
    ).toBe('NOT_FOUND');
  });

  it('caps submissions per UTC day; failed ones do not count and the cap resets at midnight', async () => {
    const { board, students } = await makeClassWithBoard(t.db, { dailyCap: 2 });
    const userId = students[0]!.id;
    const today = startOfUtcDay(new Date());
    const noon = new Date(today.getTime() + 12 * 3600_000);
    const submit = (key: string, now = noon) =>
      createSubmission(t.db, { userId, leaderboardId: board.id, config: { key }, idempotencyKey: key, now });
    const a = await submit('a');
    await submit('b');
    expect(await codeOf(submit('c'))).toBe('LIMIT_REACHED');
    // A failure (platform error, invalid config) gives the slot back.
    await startSubmission(t.db, a.submission.id);
    await failSubmission(t.db, { id: a.submission.id, code: 'FAILED', message: 'worker crashed' });
    expect(await codeOf(submit('c'))).toBe('OK');
    expect(await codeOf(submit('d'))).toBe('LIMIT_REACHED');
    // Another student has a cap of their own; tomorrow starts again.
    expect(
      await codeOf(
        createSubmission(t.db, {
          userId: students[1]!.id,
          leaderboardId: board.id,
          config: {},
          idempotencyKey: 'x',
          now: noon,
        }),
      ),
    ).toBe('OK');
    expect(await codeOf(submit('e', new Date(today.getTime() + 24 * 3600_000 + 1)))).toBe('OK');
  });

  it('accepts exactly the cap out of 50 parallel submissions; the rest get LIMIT_REACHED', async () => {
    const { board, students } = await makeClassWithBoard(t.db, { dailyCap: 5, students: 1 });
    const userId = students[0]!.id;
    const codes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        codeOf(
          createSubmission(t.db, { userId, leaderboardId: board.id, config: { i }, idempotencyKey: `p${i}` }),
        ),
      ),
    );
    expect(codes.filter((c) => c === 'OK')).toHaveLength(5);
    expect(codes.filter((c) => c === 'LIMIT_REACHED')).toHaveLength(45);
    expect(await t.db.submission.count({ where: { userId, leaderboardId: board.id } })).toBe(5);
  });

  it('loses and duplicates nothing when every request is sent several times at once', async () => {
    const { board, students } = await makeClassWithBoard(t.db, { dailyCap: 10, students: 1 });
    const userId = students[0]!.id;
    const keys = Array.from({ length: 10 }, (_, i) => `dup${i}`);
    const results = await Promise.all(
      keys.flatMap((key) =>
        Array.from({ length: 5 }, () =>
          createSubmission(t.db, { userId, leaderboardId: board.id, config: { key }, idempotencyKey: key }),
        ),
      ),
    );
    const stored = await t.db.submission.findMany({ where: { userId, leaderboardId: board.id } });
    expect(stored.map((s) => s.idempotencyKey).sort()).toEqual([...keys].sort());
    expect(results.filter((r) => r.created)).toHaveLength(10);
    for (const key of keys) {
      const ids = new Set(
        results.filter((r) => r.submission.idempotencyKey === key).map((r) => r.submission.id),
      );
      expect(ids.size).toBe(1);
    }
  });
});

describe('scoring a submission', () => {
  it('claims, scores once, and ignores a superseded attempt or a redelivered job', async () => {
    const { board, students } = await makeClassWithBoard(t.db);
    const { submission } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: {},
      idempotencyKey: 's',
    });
    const first = await startSubmission(t.db, submission.id);
    expect(first).toMatchObject({ status: 'RUNNING', attempts: 1 });
    // The first worker is presumed dead; a second attempt takes over.
    const second = await startSubmission(t.db, submission.id);
    expect(second?.attempts).toBe(2);
    expect(
      await scoreSubmission(t.db, { id: submission.id, attempt: 1, publicScore: 1, privateScore: 1 }),
    ).toBeNull();
    const scored = await scoreSubmission(t.db, {
      id: submission.id,
      attempt: 2,
      publicScore: 36,
      privateScore: 37.5,
      metrics: { perSeed: [36, 36, 37, 38] },
    });
    expect(scored).toMatchObject({ status: 'SCORED', publicScore: 36, privateScore: 37.5, attempts: 2 });
    expect(scored?.scoredAt).toBeInstanceOf(Date);
    expect(await startSubmission(t.db, submission.id)).toBeNull();
    expect(await failSubmission(t.db, { id: submission.id, code: 'FAILED', message: 'late' })).toBeNull();
    expect((await getSubmission(t.db, submission.id)).status).toBe('SCORED');
  });

  it('fails with a code and a message for the student', async () => {
    const { board, students } = await makeClassWithBoard(t.db);
    const { submission } = await createSubmission(t.db, {
      userId: students[0]!.id,
      leaderboardId: board.id,
      config: { kappa: 0 },
      idempotencyKey: 'f',
    });
    const claimed = await startSubmission(t.db, submission.id);
    const failed = await failSubmission(t.db, {
      id: submission.id,
      attempt: claimed!.attempts,
      code: 'INVALID_CONFIG',
      message: 'kappa must be between 1 and 10000; got 0',
    });
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'INVALID_CONFIG' });
    await expect(getSubmission(t.db, 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
