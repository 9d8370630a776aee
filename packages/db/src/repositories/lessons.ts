// Lesson progress: per user, paper and lesson, the widget state to restore and when it was completed.
import type { DbTx } from '../client.ts';
import type { LessonProgress, Prisma } from '../generated/prisma/client.ts';

export interface SaveLessonProgressInput {
  userId: string;
  paper: string;
  lesson: string;
  state?: Prisma.InputJsonValue;
  /** Marks the lesson completed (the first completion time is kept). */
  completed?: boolean;
  now?: Date;
}

/** Creates or updates a user's progress on one lesson. */
export async function saveLessonProgress(db: DbTx, input: SaveLessonProgressInput): Promise<LessonProgress> {
  const { userId, paper, lesson, state, completed, now = new Date() } = input;
  const key = { userId_paper_lesson: { userId, paper, lesson } };
  const previous = await db.lessonProgress.findUnique({ where: key, select: { completedAt: true } });
  const completedAt = completed ? (previous?.completedAt ?? now) : undefined;
  return db.lessonProgress.upsert({
    where: key,
    create: {
      userId,
      paper,
      lesson,
      ...(state !== undefined ? { state } : {}),
      completedAt: completedAt ?? null,
    },
    update: { ...(state !== undefined ? { state } : {}), ...(completedAt ? { completedAt } : {}) },
  });
}

/** A user's progress on one lesson, or null. */
export function getLessonProgress(
  db: DbTx,
  { userId, paper, lesson }: { userId: string; paper: string; lesson: string },
) {
  return db.lessonProgress.findUnique({ where: { userId_paper_lesson: { userId, paper, lesson } } });
}

/** All of a user's lesson progress, optionally for one paper. */
export function listLessonProgress(db: DbTx, { userId, paper }: { userId: string; paper?: string }) {
  return db.lessonProgress.findMany({
    where: { userId, ...(paper ? { paper } : {}) },
    orderBy: [{ paper: 'asc' }, { lesson: 'asc' }],
  });
}
