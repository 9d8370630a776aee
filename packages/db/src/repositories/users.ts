// Users as paperlab sees them (better-auth creates and signs them in; these serve the seed, tests and the bot).
import { PaperlabError } from '@paperlab/core';
import type { DbTx } from '../client.ts';
import type { User } from '../generated/prisma/client.ts';

export interface CreateUserInput {
  name: string;
  email: string;
  discordId?: string | null;
  isAdmin?: boolean;
}

/** Creates a user, or returns the one with this email (updating name and Discord id when given). */
export function upsertUser(db: DbTx, { name, email, discordId, isAdmin }: CreateUserInput): Promise<User> {
  const normalised = email.trim().toLowerCase();
  return db.user.upsert({
    where: { email: normalised },
    create: { name, email: normalised, discordId: discordId ?? null, isAdmin: isAdmin ?? false },
    update: {
      name,
      ...(discordId !== undefined ? { discordId } : {}),
      ...(isAdmin !== undefined ? { isAdmin } : {}),
    },
  });
}

/** The user with this id; NOT_FOUND otherwise. */
export async function getUser(db: DbTx, id: string): Promise<User> {
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw new PaperlabError('NOT_FOUND', 'That user does not exist.');
  return user;
}

/** The user linked to a Discord account, or null. */
export function findUserByDiscordId(db: DbTx, discordId: string): Promise<User | null> {
  return db.user.findUnique({ where: { discordId } });
}
