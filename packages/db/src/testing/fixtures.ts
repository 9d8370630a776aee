// Small builders for tests: a class with an instructor and students, and an open board.
import type { Db } from '../client.ts';
import { createClass, joinClassByCode } from '../repositories/classes.ts';
import { createLeaderboard } from '../repositories/leaderboards.ts';
import { upsertUser } from '../repositories/users.ts';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function makeUser(db: Db, name = 'Student') {
  const tag = unique();
  return upsertUser(db, {
    name: `${name} ${tag}`,
    email: `${name.toLowerCase().replace(/\W/g, '')}-${tag}@example.test`,
  });
}

export interface ClassWithBoardOptions {
  students?: number;
  dailyCap?: number;
  experimentId?: string;
  exerciseId?: string;
  opensAt?: Date;
  closesAt?: Date;
  revealAt?: Date;
  higherIsBetter?: boolean;
  publicSeeds?: number[];
  privateSeeds?: number[];
}

export async function makeClassWithBoard(db: Db, options: ClassWithBoardOptions = {}) {
  const instructor = await makeUser(db, 'Instructor');
  const klass = await createClass(db, { name: `Class ${unique()}`, instructorId: instructor.id });
  const students = [];
  for (let i = 0; i < (options.students ?? 2); i++) {
    const student = await makeUser(db, 'Student');
    await joinClassByCode(db, { userId: student.id, code: klass.joinCode });
    students.push(student);
  }
  const day = 24 * 3600 * 1000;
  const board = await createLeaderboard(db, {
    actorId: instructor.id,
    classId: klass.id,
    exerciseId: options.exerciseId ?? 'deep-linear-stacking',
    experimentId: options.experimentId ?? 'deep-linear-stacking',
    opensAt: options.opensAt ?? new Date(Date.now() - day),
    closesAt: options.closesAt ?? new Date(Date.now() + 30 * day),
    revealAt: options.revealAt ?? new Date(Date.now() + 30 * day),
    dailyCap: options.dailyCap ?? 5,
    publicSeeds: options.publicSeeds ?? [11, 12],
    privateSeeds: options.privateSeeds ?? [21, 22],
    higherIsBetter: options.higherIsBetter,
  });
  return { instructor, klass, students, board };
}
