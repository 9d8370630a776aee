// Classes, join codes, memberships and roles, and the Discord channel a class is bound to.
import { randomInt } from 'node:crypto';
import { PaperlabError } from '@paperlab/core';
import type { Db, DbTx } from '../client.ts';
import type { Class, ClassRole, Membership } from '../generated/prisma/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { appendAudit } from './audit.ts';

/** Join-code alphabet without look-alikes (0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

/** A fresh random join code, e.g. `K7MPQ2XR`. */
export function generateJoinCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Join codes are typed by people: case and separators do not matter. */
export const normaliseJoinCode = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

export interface CreateClassInput {
  name: string;
  /** Becomes the class's first instructor. */
  instructorId: string;
  /** A chosen join code; random when omitted. */
  joinCode?: string;
}

/** Creates a class with its first instructor. CONFLICT when a chosen join code is taken. */
export async function createClass(
  db: Db,
  { name, instructorId, joinCode }: CreateClassInput,
): Promise<Class> {
  const trimmed = name.trim();
  if (!trimmed) throw new PaperlabError('INVALID_CONFIG', 'A class needs a name.');
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = joinCode ? normaliseJoinCode(joinCode) : generateJoinCode();
    try {
      return await db.$transaction(async (tx) => {
        const created = await tx.class.create({ data: { name: trimmed, joinCode: code } });
        await tx.membership.create({
          data: { userId: instructorId, classId: created.id, role: 'INSTRUCTOR' },
        });
        await appendAudit(tx, {
          actorId: instructorId,
          classId: created.id,
          action: 'class.create',
          subjectType: 'class',
          subjectId: created.id,
          data: { name: trimmed },
        });
        return created;
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      if (joinCode) throw new PaperlabError('CONFLICT', `The join code ${code} is already taken.`);
    }
  }
  throw new PaperlabError('CONFLICT', 'Could not find a free join code; try again.');
}

/** The class with this id; NOT_FOUND otherwise. */
export async function getClass(db: DbTx, id: string): Promise<Class> {
  const found = await db.class.findUnique({ where: { id } });
  if (!found) throw new PaperlabError('NOT_FOUND', 'That class does not exist.');
  return found;
}

export interface JoinClassInput {
  userId: string;
  code: string;
}

/**
 * Joins the class with this code as a student. Joining twice returns the existing membership (keeping an
 * instructor an instructor). NOT_FOUND for an unknown code.
 */
export async function joinClassByCode(db: Db, { userId, code }: JoinClassInput): Promise<Membership> {
  const found = await db.class.findUnique({ where: { joinCode: normaliseJoinCode(code) } });
  if (!found)
    throw new PaperlabError(
      'NOT_FOUND',
      `No class has the join code "${code}". Check it with your instructor.`,
    );
  return db.$transaction(async (tx) => {
    const existing = await tx.membership.findUnique({
      where: { userId_classId: { userId, classId: found.id } },
    });
    if (existing) return existing;
    const membership = await tx.membership.create({ data: { userId, classId: found.id, role: 'STUDENT' } });
    await appendAudit(tx, {
      actorId: userId,
      classId: found.id,
      action: 'class.join',
      subjectType: 'membership',
      subjectId: membership.id,
    });
    return membership;
  });
}

/** The user's membership in a class, or null. */
export function getMembership(db: DbTx, { userId, classId }: { userId: string; classId: string }) {
  return db.membership.findUnique({ where: { userId_classId: { userId, classId } } });
}

/** Throws FORBIDDEN unless the user instructs the class (or is an admin). */
export async function assertInstructor(db: DbTx, { userId, classId }: { userId: string; classId: string }) {
  const [membership, user] = await Promise.all([
    getMembership(db, { userId, classId }),
    db.user.findUnique({ where: { id: userId }, select: { isAdmin: true } }),
  ]);
  if (membership?.role === 'INSTRUCTOR' || user?.isAdmin) return;
  throw new PaperlabError('FORBIDDEN', 'Only an instructor of this class can do that.');
}

export interface SetMemberRoleInput {
  actorId: string;
  classId: string;
  userId: string;
  role: ClassRole;
}

/** Makes a member a student or an instructor. Instructors only; a class always keeps one instructor. */
export async function setMemberRole(db: Db, { actorId, classId, userId, role }: SetMemberRoleInput) {
  return db.$transaction(async (tx) => {
    await assertInstructor(tx, { userId: actorId, classId });
    const membership = await getMembership(tx, { userId, classId });
    if (!membership) throw new PaperlabError('NOT_FOUND', 'That user is not a member of this class.');
    if (membership.role === role) return membership;
    if (role === 'STUDENT') {
      const instructors = await tx.membership.count({ where: { classId, role: 'INSTRUCTOR' } });
      if (instructors <= 1) throw new PaperlabError('CONFLICT', 'A class needs at least one instructor.');
    }
    const updated = await tx.membership.update({ where: { id: membership.id }, data: { role } });
    await appendAudit(tx, {
      actorId,
      classId,
      action: 'member.role',
      subjectType: 'membership',
      subjectId: membership.id,
      data: { userId, from: membership.role, to: role },
    });
    return updated;
  });
}

/** Members of a class with their users, instructors first. */
export function listClassMembers(db: DbTx, classId: string) {
  return db.membership.findMany({
    where: { classId },
    include: { user: { select: { id: true, name: true, email: true, discordId: true } } },
    orderBy: [{ role: 'desc' }, { createdAt: 'asc' }],
  });
}

/** The classes a user belongs to, with the user's role in each. */
export function listUserClasses(db: DbTx, userId: string) {
  return db.membership.findMany({
    where: { userId },
    include: { class: true },
    orderBy: { createdAt: 'asc' },
  });
}

export interface BindClassChannelInput {
  actorId: string;
  classId: string;
  guildId: string;
  channelId: string;
}

/** Binds a class to the Discord channel where the bot posts its runs. Instructors only. */
export async function bindClassChannel(
  db: Db,
  { actorId, classId, guildId, channelId }: BindClassChannelInput,
) {
  return db.$transaction(async (tx) => {
    await assertInstructor(tx, { userId: actorId, classId });
    const holder = await tx.class.findUnique({
      where: { discordGuildId_discordChannelId: { discordGuildId: guildId, discordChannelId: channelId } },
    });
    if (holder && holder.id !== classId) {
      throw new PaperlabError('CONFLICT', `This channel is already bound to the class "${holder.name}".`);
    }
    const updated = await tx.class.update({
      where: { id: classId },
      data: { discordGuildId: guildId, discordChannelId: channelId },
    });
    await appendAudit(tx, {
      actorId,
      classId,
      action: 'class.bind',
      subjectType: 'class',
      subjectId: classId,
      data: { guildId, channelId },
    });
    return updated;
  });
}

/** The class bound to a Discord channel, or null. */
export function findClassByChannel(db: DbTx, { guildId, channelId }: { guildId: string; channelId: string }) {
  return db.class.findUnique({
    where: { discordGuildId_discordChannelId: { discordGuildId: guildId, discordChannelId: channelId } },
  });
}

/** Replaces a class's join code (e.g. after it leaked). Instructors only. */
export async function rotateJoinCode(db: Db, { actorId, classId }: { actorId: string; classId: string }) {
  return db.$transaction(async (tx) => {
    await assertInstructor(tx, { userId: actorId, classId });
    const updated = await tx.class.update({ where: { id: classId }, data: { joinCode: generateJoinCode() } });
    await appendAudit(tx, {
      actorId,
      classId,
      action: 'class.rotate-code',
      subjectType: 'class',
      subjectId: classId,
    });
    return updated;
  });
}
