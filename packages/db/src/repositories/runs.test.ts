import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/harness.ts';
import { countRunsAhead, createRun, failRun, finishRun, getRun, listRecentRuns, startRun } from './runs.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('experiment runs', () => {
  it('go QUEUED → RUNNING → DONE once, and a superseded attempt writes nothing', async () => {
    const user = await makeUser(t.db);
    const run = await createRun(t.db, {
      source: 'WEB',
      userId: user.id,
      experimentId: 'deep-linear-stacking',
      config: { d: 8 },
    });
    expect(run).toMatchObject({ status: 'QUEUED', attempts: 0, source: 'WEB' });
    const first = await startRun(t.db, run.id);
    const second = await startRun(t.db, run.id);
    expect([first?.attempts, second?.attempts]).toEqual([1, 2]);
    expect(
      await finishRun(t.db, { id: run.id, attempt: 1, result: { stale: true }, durationMs: 5 }),
    ).toBeNull();
    const done = await finishRun(t.db, {
      id: run.id,
      attempt: 2,
      result: { headline: { value: 36 } },
      durationMs: 12.6,
    });
    expect(done).toMatchObject({ status: 'DONE', durationMs: 13, result: { headline: { value: 36 } } });
    expect(await startRun(t.db, run.id)).toBeNull();
    expect(await failRun(t.db, { id: run.id, code: 'FAILED', message: 'late' })).toBeNull();
    expect(await getRun(t.db, run.id)).toMatchObject({ status: 'DONE', error: null });
  });

  it('fail with a code and message; bot runs name their Discord user', async () => {
    await expect(createRun(t.db, { source: 'BOT', experimentId: 'x', config: {} })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    const run = await createRun(t.db, {
      source: 'BOT',
      discordUserId: 'discord-7',
      discordGuildId: 'g',
      discordChannelId: 'c',
      experimentId: 'deep-linear-stacking',
      config: { kappa: 0 },
    });
    const claimed = await startRun(t.db, run.id);
    const failed = await failRun(t.db, {
      id: run.id,
      attempt: claimed!.attempts,
      code: 'TIMEOUT',
      message: 'took over 10 s',
    });
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'TIMEOUT', error: 'took over 10 s' });
    expect(failed?.finishedAt).toBeInstanceOf(Date);
    expect((await listRecentRuns(t.db, { discordUserId: 'discord-7' })).map((r) => r.id)).toEqual([run.id]);
    await expect(getRun(t.db, 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listRecentRuns(t.db, {})).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('count the runs ahead in the queue', async () => {
    await t.db.experimentRun.updateMany({
      where: { status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'DONE' },
    });
    const make = () => createRun(t.db, { source: 'WEB', experimentId: 'deep-linear-stacking', config: {} });
    const a = await make();
    await new Promise((r) => setTimeout(r, 5));
    const b = await make();
    await new Promise((r) => setTimeout(r, 5));
    const c = await make();
    expect([
      await countRunsAhead(t.db, a),
      await countRunsAhead(t.db, b),
      await countRunsAhead(t.db, c),
    ]).toEqual([0, 1, 2]);
    await startRun(t.db, a.id);
    await finishRun(t.db, { id: a.id, attempt: 1, result: {}, durationMs: 1 });
    expect(await countRunsAhead(t.db, c)).toBe(1);
  });
});
