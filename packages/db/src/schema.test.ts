// A freshly migrated database holds every model of schema.prisma: each one round-trips create, read, update
// and delete with every scalar field through the generated client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from './generated/prisma/client.ts';
import { createTestDatabase, type TestDatabase } from './testing/harness.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => new Date(iso);
type Row = Record<string, unknown>;
interface Sample {
  /** Two complete sets of field values: created with `a`, updated to `b`. */
  a: Row;
  b: Row;
  /** How to find the row from a set of values. */
  where(v: Row): Row;
}

// Parents referenced by the samples; created before the round trips.
const U1 = 'user_one';
const U2 = 'user_two';
const C1 = 'class_one';
const C2 = 'class_two';
const B1 = 'board_one';
const B2 = 'board_two';

const byId = (v: Row) => ({ id: v.id });

const samples: Record<Prisma.ModelName, Sample> = {
  User: {
    a: {
      id: 'u-a',
      name: 'Ada',
      email: 'ada@example.test',
      emailVerified: false,
      image: null,
      discordId: '111',
      isAdmin: false,
      createdAt: at('2026-01-01T00:00:00.001Z'),
      updatedAt: at('2026-01-02T00:00:00Z'),
    },
    b: {
      id: 'u-b',
      name: 'Ada L.',
      email: 'ada.l@example.test',
      emailVerified: true,
      image: 'https://example.test/a.png',
      discordId: null,
      isAdmin: true,
      createdAt: at('2026-02-01T00:00:00Z'),
      updatedAt: at('2026-02-02T00:00:00.999Z'),
    },
    where: byId,
  },
  Session: {
    a: {
      id: 's-a',
      token: 'tok-a',
      userId: U1,
      expiresAt: at('2026-03-01T00:00:00Z'),
      ipAddress: '127.0.0.1',
      userAgent: 'vitest',
      createdAt: at('2026-01-01T00:00:00Z'),
      updatedAt: at('2026-01-01T00:00:01Z'),
    },
    b: {
      id: 's-b',
      token: 'tok-b',
      userId: U2,
      expiresAt: at('2026-04-01T00:00:00Z'),
      ipAddress: null,
      userAgent: null,
      createdAt: at('2026-01-03T00:00:00Z'),
      updatedAt: at('2026-01-03T00:00:01Z'),
    },
    where: byId,
  },
  Account: {
    a: {
      id: 'a-a',
      userId: U1,
      accountId: '111',
      providerId: 'discord',
      accessToken: 'at',
      refreshToken: 'rt',
      idToken: 'it',
      accessTokenExpiresAt: at('2026-05-01T00:00:00Z'),
      refreshTokenExpiresAt: at('2026-06-01T00:00:00Z'),
      scope: 'identify email',
      password: null,
      createdAt: at('2026-01-01T00:00:00Z'),
      updatedAt: at('2026-01-01T00:00:00Z'),
    },
    b: {
      id: 'a-b',
      userId: U2,
      accountId: 'ada@example.test',
      providerId: 'credential',
      accessToken: null,
      refreshToken: null,
      idToken: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      scope: null,
      password: 'hash',
      createdAt: at('2026-01-05T00:00:00Z'),
      updatedAt: at('2026-01-06T00:00:00Z'),
    },
    where: byId,
  },
  Verification: {
    a: {
      id: 'v-a',
      identifier: 'ada@example.test',
      value: 'code-1',
      expiresAt: at('2026-01-01T01:00:00Z'),
      createdAt: at('2026-01-01T00:00:00Z'),
      updatedAt: at('2026-01-01T00:00:00Z'),
    },
    b: {
      id: 'v-b',
      identifier: 'bob@example.test',
      value: 'code-2',
      expiresAt: at('2026-01-02T01:00:00Z'),
      createdAt: at('2026-01-02T00:00:00Z'),
      updatedAt: at('2026-01-02T00:30:00Z'),
    },
    where: byId,
  },
  Class: {
    a: {
      id: 'c-a',
      name: 'ML theory',
      joinCode: 'JOINAAAA',
      discordGuildId: 'g1',
      discordChannelId: 'ch1',
      createdAt: at('2026-01-01T00:00:00Z'),
      updatedAt: at('2026-01-01T00:00:00Z'),
    },
    b: {
      id: 'c-b',
      name: 'ML theory II',
      joinCode: 'JOINBBBB',
      discordGuildId: null,
      discordChannelId: null,
      createdAt: at('2026-01-02T00:00:00Z'),
      updatedAt: at('2026-01-03T00:00:00Z'),
    },
    where: byId,
  },
  Membership: {
    a: { id: 'm-a', userId: U1, classId: C1, role: 'STUDENT', createdAt: at('2026-01-01T00:00:00Z') },
    b: { id: 'm-b', userId: U2, classId: C2, role: 'INSTRUCTOR', createdAt: at('2026-01-02T00:00:00Z') },
    where: byId,
  },
  Leaderboard: {
    a: {
      id: 'l-a',
      classId: C1,
      exerciseId: 'ex-a',
      experimentId: 'deep-linear-stacking',
      opensAt: at('2026-01-01T00:00:00Z'),
      closesAt: at('2026-02-01T00:00:00Z'),
      dailyCap: 5,
      higherIsBetter: false,
      publicSeeds: [1, 2, 3],
      privateSeeds: [2_147_483_647, 0],
      revealAt: at('2026-02-01T00:00:00Z'),
      createdAt: at('2026-01-01T00:00:00Z'),
      updatedAt: at('2026-01-01T00:00:00Z'),
    },
    b: {
      id: 'l-b',
      classId: C2,
      exerciseId: 'ex-b',
      experimentId: 'stacking-beta-sweep',
      opensAt: at('2026-03-01T00:00:00Z'),
      closesAt: at('2026-04-01T00:00:00Z'),
      dailyCap: 1,
      higherIsBetter: true,
      publicSeeds: [],
      privateSeeds: [7],
      revealAt: at('2026-04-02T00:00:00Z'),
      createdAt: at('2026-03-01T00:00:00Z'),
      updatedAt: at('2026-03-02T00:00:00Z'),
    },
    where: byId,
  },
  Submission: {
    a: {
      id: 'sub-a',
      userId: U1,
      leaderboardId: B1,
      config: { kappa: 100, nested: { list: [1, 2.5, null, 'x'] } },
      configHash: 'h-a',
      idempotencyKey: 'k-a',
      status: 'QUEUED',
      publicScore: null,
      privateScore: null,
      metrics: Prisma.DbNull,
      error: null,
      errorCode: null,
      attempts: 0,
      reviewState: 'PENDING',
      reviewedById: null,
      reviewReason: null,
      reviewedAt: null,
      hidden: false,
      createdAt: at('2026-01-01T00:00:00Z'),
      startedAt: null,
      scoredAt: null,
      updatedAt: at('2026-01-01T00:00:00Z'),
    },
    b: {
      id: 'sub-b',
      userId: U2,
      leaderboardId: B2,
      config: { kappa: 1e4 },
      configHash: 'h-b',
      idempotencyKey: 'k-b',
      status: 'SCORED',
      publicScore: 36.5,
      privateScore: -1.25e-7,
      metrics: { stages: [36, 37] },
      error: 'none',
      errorCode: 'FAILED',
      attempts: 3,
      reviewState: 'FLAGGED',
      reviewedById: U1,
      reviewReason: 'suspicious',
      reviewedAt: at('2026-01-05T00:00:00Z'),
      hidden: true,
      createdAt: at('2026-01-02T00:00:00Z'),
      startedAt: at('2026-01-02T00:00:01Z'),
      scoredAt: at('2026-01-02T00:00:02Z'),
      updatedAt: at('2026-01-05T00:00:00Z'),
    },
    where: byId,
  },
  ExperimentRun: {
    a: {
      id: 'r-a',
      source: 'WEB',
      userId: U1,
      discordUserId: null,
      discordGuildId: null,
      discordChannelId: null,
      experimentId: 'deep-linear-stacking',
      config: { d: 8 },
      status: 'QUEUED',
      result: Prisma.DbNull,
      durationMs: null,
      error: null,
      errorCode: null,
      attempts: 0,
      createdAt: at('2026-01-01T00:00:00Z'),
      startedAt: null,
      finishedAt: null,
      updatedAt: at('2026-01-01T00:00:00Z'),
    },
    b: {
      id: 'r-b',
      source: 'BOT',
      userId: null,
      discordUserId: 'du',
      discordGuildId: 'g',
      discordChannelId: 'ch',
      experimentId: 'stacking-kappa-sweep',
      config: [],
      status: 'DONE',
      result: { headline: { value: 0.47 } },
      durationMs: 1234,
      error: 'x',
      errorCode: 'TIMEOUT',
      attempts: 2,
      createdAt: at('2026-01-02T00:00:00Z'),
      startedAt: at('2026-01-02T00:00:01Z'),
      finishedAt: at('2026-01-02T00:00:02Z'),
      updatedAt: at('2026-01-02T00:00:02Z'),
    },
    where: byId,
  },
  LessonProgress: {
    a: {
      id: 'p-a',
      userId: U1,
      paper: 'stacking',
      lesson: 'intro',
      state: { slider: 0.5 },
      completedAt: null,
      createdAt: at('2026-01-01T00:00:00Z'),
      updatedAt: at('2026-01-01T00:00:00Z'),
    },
    b: {
      id: 'p-b',
      userId: U2,
      paper: 'distill',
      lesson: 'noise',
      state: Prisma.DbNull,
      completedAt: at('2026-01-03T00:00:00Z'),
      createdAt: at('2026-01-02T00:00:00Z'),
      updatedAt: at('2026-01-03T00:00:00Z'),
    },
    where: byId,
  },
  RateLimit: {
    a: { key: 'user-1', action: 'bot.run', bucket: at('2026-01-01T00:00:00Z'), count: 1 },
    b: { key: 'user-2', action: 'web.submit', bucket: at('2026-01-01T00:01:00Z'), count: 42 },
    where: (v) => ({ key_action_bucket: { key: v.key, action: v.action, bucket: v.bucket } }),
  },
  AuditLog: {
    a: {
      id: 'log-a',
      actorId: U1,
      classId: C1,
      action: 'class.create',
      subjectType: 'class',
      subjectId: C1,
      data: { name: 'x' },
      createdAt: at('2026-01-01T00:00:00Z'),
    },
    b: {
      id: 'log-b',
      actorId: null,
      classId: null,
      action: 'system.note',
      subjectType: 'run',
      subjectId: 'r',
      data: Prisma.DbNull,
      createdAt: at('2026-01-02T00:00:00Z'),
    },
    where: byId,
  },
};

interface Delegate {
  create(args: { data: Row }): Promise<Row>;
  findUnique(args: { where: Row }): Promise<Row | null>;
  update(args: { where: Row; data: Row }): Promise<Row>;
  delete(args: { where: Row }): Promise<Row>;
}
const delegate = (model: string): Delegate =>
  (t.db as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)]!;

/** What a stored value reads back as: Prisma.DbNull reads as null. */
const expected = (row: Row): Row =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === Prisma.DbNull ? null : v]));

const scalarFields = (model: string): string[] =>
  Object.keys((Prisma as unknown as Record<string, Record<string, string>>)[`${model}ScalarFieldEnum`]!);

describe('the migrated schema', () => {
  beforeAll(async () => {
    await t.db.user.createMany({
      data: [
        { id: U1, name: 'One', email: 'one@example.test' },
        { id: U2, name: 'Two', email: 'two@example.test' },
      ],
    });
    await t.db.class.createMany({
      data: [
        { id: C1, name: 'C1', joinCode: 'CLASSONE' },
        { id: C2, name: 'C2', joinCode: 'CLASSTWO' },
      ],
    });
    const board = { experimentId: 'e', opensAt: new Date(), closesAt: new Date(), revealAt: new Date() };
    await t.db.leaderboard.createMany({
      data: [
        { id: B1, classId: C1, exerciseId: 'e1', ...board },
        { id: B2, classId: C2, exerciseId: 'e2', ...board },
      ],
    });
  });

  it.each(Object.keys(samples))('round-trips every field of %s', async (model) => {
    const sample = samples[model as Prisma.ModelName];
    // The samples must name every scalar field, so a field added to the schema cannot go untested.
    expect(Object.keys(sample.a).sort()).toEqual(scalarFields(model).sort());
    expect(Object.keys(sample.b).sort()).toEqual(scalarFields(model).sort());
    const d = delegate(model);
    await d.create({ data: sample.a });
    expect(await d.findUnique({ where: sample.where(sample.a) })).toEqual(expected(sample.a));
    if (model === 'AuditLog') {
      // Append-only: the migration's trigger refuses both.
      await expect(d.update({ where: sample.where(sample.a), data: sample.b })).rejects.toThrow(
        /append-only/,
      );
      await expect(d.delete({ where: sample.where(sample.a) })).rejects.toThrow(/append-only/);
      await d.create({ data: sample.b });
      expect(await d.findUnique({ where: sample.where(sample.b) })).toEqual(expected(sample.b));
      return;
    }
    await d.update({ where: sample.where(sample.a), data: sample.b });
    expect(await d.findUnique({ where: sample.where(sample.a) })).toBeNull();
    expect(await d.findUnique({ where: sample.where(sample.b) })).toEqual(expected(sample.b));
    await d.delete({ where: sample.where(sample.b) });
    expect(await d.findUnique({ where: sample.where(sample.b) })).toBeNull();
  });

  it('covers every model of the schema', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it('enforces the unique keys the repositories rely on', async () => {
    const data = { userId: U1, leaderboardId: B1, config: {}, configHash: 'h', idempotencyKey: 'same' };
    await t.db.submission.create({ data });
    await expect(t.db.submission.create({ data })).rejects.toMatchObject({ code: 'P2002' });
    await expect(
      t.db.membership.createMany({
        data: [
          { userId: U1, classId: C1 },
          { userId: U1, classId: C1 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });
});
