import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/harness.ts';
import { listAuditLog } from './audit.ts';
import {
  bindClassChannel,
  createClass,
  findClassByChannel,
  generateJoinCode,
  getClass,
  getMembership,
  joinClassByCode,
  listClassMembers,
  listUserClasses,
  rotateJoinCode,
  setMemberRole,
} from './classes.ts';
import { findUserByDiscordId, getUser, upsertUser } from './users.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('classes and memberships', () => {
  it('creates a class with its instructor; students join by code, in any case and spacing', async () => {
    const teacher = await makeUser(t.db, 'Teacher');
    const student = await makeUser(t.db, 'Student');
    const klass = await createClass(t.db, { name: '  Stacking seminar ', instructorId: teacher.id });
    expect(klass.name).toBe('Stacking seminar');
    expect(klass.joinCode).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(await getMembership(t.db, { userId: teacher.id, classId: klass.id })).toMatchObject({
      role: 'INSTRUCTOR',
    });
    const spaced = `${klass.joinCode.slice(0, 4).toLowerCase()}-${klass.joinCode.slice(4)}`;
    const joined = await joinClassByCode(t.db, { userId: student.id, code: spaced });
    expect(joined).toMatchObject({ role: 'STUDENT', classId: klass.id });
    expect(await joinClassByCode(t.db, { userId: student.id, code: klass.joinCode })).toEqual(joined);
    expect(await joinClassByCode(t.db, { userId: teacher.id, code: klass.joinCode })).toMatchObject({
      role: 'INSTRUCTOR',
    });
    await expect(joinClassByCode(t.db, { userId: student.id, code: 'NOPE' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await listClassMembers(t.db, klass.id)).map((m) => [m.user.id, m.role])).toEqual([
      [teacher.id, 'INSTRUCTOR'],
      [student.id, 'STUDENT'],
    ]);
    expect((await listUserClasses(t.db, student.id)).map((m) => m.class.id)).toEqual([klass.id]);
    expect((await listAuditLog(t.db, { classId: klass.id })).map((e) => e.action)).toEqual([
      'class.join',
      'class.create',
    ]);
    await expect(getClass(t.db, 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createClass(t.db, { name: ' ', instructorId: teacher.id })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });

  it('refuses a chosen join code that is taken and rotates codes for instructors', async () => {
    const teacher = await makeUser(t.db, 'Teacher');
    const code = generateJoinCode();
    const klass = await createClass(t.db, { name: 'A', instructorId: teacher.id, joinCode: code });
    expect(klass.joinCode).toBe(code);
    await expect(
      createClass(t.db, { name: 'B', instructorId: teacher.id, joinCode: code }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const rotated = await rotateJoinCode(t.db, { actorId: teacher.id, classId: klass.id });
    expect(rotated.joinCode).not.toBe(code);
  });

  it('changes roles for instructors only, and keeps at least one instructor', async () => {
    const teacher = await makeUser(t.db, 'Teacher');
    const student = await makeUser(t.db, 'Student');
    const klass = await createClass(t.db, { name: 'Roles', instructorId: teacher.id });
    await joinClassByCode(t.db, { userId: student.id, code: klass.joinCode });
    const input = { actorId: teacher.id, classId: klass.id };
    await expect(
      setMemberRole(t.db, { ...input, userId: teacher.id, role: 'STUDENT' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      setMemberRole(t.db, { ...input, actorId: student.id, userId: student.id, role: 'INSTRUCTOR' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await setMemberRole(t.db, { ...input, userId: student.id, role: 'INSTRUCTOR' })).toMatchObject({
      role: 'INSTRUCTOR',
    });
    expect(await setMemberRole(t.db, { ...input, userId: teacher.id, role: 'STUDENT' })).toMatchObject({
      role: 'STUDENT',
    });
    const outsider = await makeUser(t.db, 'Outsider');
    await expect(
      setMemberRole(t.db, { actorId: student.id, classId: klass.id, userId: outsider.id, role: 'STUDENT' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // An admin may act in any class.
    const admin = await upsertUser(t.db, {
      name: 'Admin',
      email: `admin-${Date.now()}@example.test`,
      isAdmin: true,
    });
    expect(
      await setMemberRole(t.db, {
        actorId: admin.id,
        classId: klass.id,
        userId: teacher.id,
        role: 'INSTRUCTOR',
      }),
    ).toMatchObject({ role: 'INSTRUCTOR' });
  });

  it('binds a class to one Discord channel and finds it again', async () => {
    const teacher = await makeUser(t.db, 'Teacher');
    const a = await createClass(t.db, { name: 'A', instructorId: teacher.id });
    const b = await createClass(t.db, { name: 'B', instructorId: teacher.id });
    const where = { guildId: 'guild-1', channelId: `chan-${a.id}` };
    await bindClassChannel(t.db, { actorId: teacher.id, classId: a.id, ...where });
    expect((await findClassByChannel(t.db, where))?.id).toBe(a.id);
    await expect(
      bindClassChannel(t.db, { actorId: teacher.id, classId: b.id, ...where }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await findClassByChannel(t.db, { guildId: 'guild-1', channelId: 'other' })).toBeNull();
  });
});

describe('users', () => {
  it('upserts by email (case-insensitively) and finds a user by Discord id', async () => {
    const email = `Mixed.Case-${Date.now()}@Example.test`;
    const user = await upsertUser(t.db, { name: 'Ada', email, discordId: `d-${Date.now()}` });
    expect(user.email).toBe(email.toLowerCase());
    const again = await upsertUser(t.db, { name: 'Ada Lovelace', email: email.toUpperCase() });
    expect(again).toMatchObject({ id: user.id, name: 'Ada Lovelace', discordId: user.discordId });
    expect((await findUserByDiscordId(t.db, user.discordId!))?.id).toBe(user.id);
    expect(await getUser(t.db, user.id)).toMatchObject({ name: 'Ada Lovelace' });
    await expect(getUser(t.db, 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
