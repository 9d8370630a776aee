// Rate limits, lesson progress and the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/harness.ts';
import { appendAudit, listAuditLog } from './audit.ts';
import { getLessonProgress, listLessonProgress, saveLessonProgress } from './lessons.ts';
import { assertRateLimit, consumeRateLimit, pruneRateLimits } from './rate-limits.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('rate limits', () => {
  it('allow exactly `limit` of many concurrent actions per window, then reset', async () => {
    const now = new Date('2026-06-01T10:00:30Z');
    const input = { key: 'user-a', action: 'bot.run', limit: 3, windowSeconds: 60, now };
    const decisions = await Promise.all(Array.from({ length: 20 }, () => consumeRateLimit(t.db, input)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    expect(
      decisions
        .filter((d) => d.allowed)
        .map((d) => d.count)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(decisions.find((d) => !d.allowed)).toEqual({
      allowed: false,
      count: 3,
      remaining: 0,
      resetAt: new Date('2026-06-01T10:01:00Z'),
    });
    await expect(assertRateLimit(t.db, input)).rejects.toMatchObject({
      code: 'LIMIT_REACHED',
      message: 'Too many requests; try again in 30 s.',
    });
    // Another key, another action, and the next window each count from zero.
    expect((await consumeRateLimit(t.db, { ...input, key: 'user-b' })).count).toBe(1);
    expect((await consumeRateLimit(t.db, { ...input, action: 'web.run' })).count).toBe(1);
    const next = await assertRateLimit(t.db, { ...input, now: new Date('2026-06-01T10:01:00Z') });
    expect(next).toMatchObject({ allowed: true, count: 1, remaining: 2 });
    expect(await pruneRateLimits(t.db, new Date('2026-06-01T10:01:00Z'))).toBe(3);
  });
});

describe('lesson progress', () => {
  it('saves state, keeps the first completion time, and lists by paper', async () => {
    const user = await makeUser(t.db);
    const key = { userId: user.id, paper: 'stacking', lesson: 'nesterov' };
    const t1 = new Date('2026-01-01T00:00:00Z');
    await saveLessonProgress(t.db, { ...key, state: { beta: 0.5 }, now: t1 });
    expect(await getLessonProgress(t.db, key)).toMatchObject({ state: { beta: 0.5 }, completedAt: null });
    await saveLessonProgress(t.db, { ...key, completed: true, now: t1 });
    await saveLessonProgress(t.db, {
      ...key,
      state: { beta: 0.8 },
      completed: true,
      now: new Date('2026-02-01'),
    });
    expect(await getLessonProgress(t.db, key)).toMatchObject({ state: { beta: 0.8 }, completedAt: t1 });
    await saveLessonProgress(t.db, { userId: user.id, paper: 'distill', lesson: 'noise' });
    expect((await listLessonProgress(t.db, { userId: user.id })).map((p) => p.paper)).toEqual([
      'distill',
      'stacking',
    ]);
    expect(
      (await listLessonProgress(t.db, { userId: user.id, paper: 'stacking' })).map((p) => p.lesson),
    ).toEqual(['nesterov']);
  });
});

describe('audit log', () => {
  it('appends, lists newest first with filters and paging, and refuses changes', async () => {
    const entries = [];
    for (const action of ['a.one', 'a.two', 'a.three']) {
      entries.push(
        await appendAudit(t.db, {
          actorId: 'x',
          classId: 'audit-class',
          action,
          subjectType: 'thing',
          subjectId: 's1',
          data: { action },
        }),
      );
      await new Promise((r) => setTimeout(r, 3));
    }
    const listed = await listAuditLog(t.db, { classId: 'audit-class' });
    expect(listed.map((e) => e.action)).toEqual(['a.three', 'a.two', 'a.one']);
    expect((await listAuditLog(t.db, { classId: 'audit-class', limit: 1 })).map((e) => e.action)).toEqual([
      'a.three',
    ]);
    expect(
      (await listAuditLog(t.db, { classId: 'audit-class', before: listed[0]!.createdAt })).map(
        (e) => e.action,
      ),
    ).toEqual(['a.two', 'a.one']);
    await expect(t.db.auditLog.deleteMany({ where: { classId: 'audit-class' } })).rejects.toThrow(
      /append-only/,
    );
    await expect(
      t.db.$executeRaw`UPDATE "AuditLog" SET action = 'forged' WHERE id = ${entries[0]!.id}`,
    ).rejects.toThrow(/append-only/);
    expect(await listAuditLog(t.db, { classId: 'audit-class' })).toHaveLength(3);
  });
});
