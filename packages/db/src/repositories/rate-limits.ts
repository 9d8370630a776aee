// Bucketed (fixed-window) rate limits: one row per key, action and window, incremented atomically.
import { PaperlabError } from '@paperlab/core';
import type { DbTx } from '../client.ts';

export interface ConsumeRateLimitInput {
  /** Who is limited: a user id, a Discord user id, an IP. */
  key: string;
  /** What is limited, e.g. `bot.run`. */
  action: string;
  /** Actions allowed per window. */
  limit: number;
  windowSeconds: number;
  now?: Date;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Actions counted in this window, this one included when allowed. */
  readonly count: number;
  readonly remaining: number;
  /** When the window ends and the count starts again. */
  readonly resetAt: Date;
}

/**
 * Checks and counts one action in a single statement, so concurrent requests can never exceed the limit:
 * the counter only increments while it is below `limit`.
 */
export async function consumeRateLimit(db: DbTx, input: ConsumeRateLimitInput): Promise<RateLimitDecision> {
  const { key, action, limit, windowSeconds, now = new Date() } = input;
  if (!(limit >= 1 && windowSeconds >= 1))
    throw new PaperlabError('INVALID_CONFIG', 'A rate limit needs limit ≥ 1 and window ≥ 1 s.');
  const windowMs = windowSeconds * 1000;
  const bucket = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const resetAt = new Date(bucket.getTime() + windowMs);
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO "RateLimit" ("key", "action", "bucket", "count") VALUES (${key}, ${action}, ${bucket}, 1)
    ON CONFLICT ("key", "action", "bucket")
    DO UPDATE SET "count" = "RateLimit"."count" + 1 WHERE "RateLimit"."count" < ${limit}
    RETURNING "count"`;
  if (rows[0]) return { allowed: true, count: rows[0].count, remaining: limit - rows[0].count, resetAt };
  return { allowed: false, count: limit, remaining: 0, resetAt };
}

/** `consumeRateLimit`, throwing LIMIT_REACHED (with the wait) when the action is not allowed. */
export async function assertRateLimit(db: DbTx, input: ConsumeRateLimitInput): Promise<RateLimitDecision> {
  const decision = await consumeRateLimit(db, input);
  if (!decision.allowed) {
    const now = input.now ?? new Date();
    const seconds = Math.max(1, Math.ceil((decision.resetAt.getTime() - now.getTime()) / 1000));
    throw new PaperlabError('LIMIT_REACHED', `Too many requests; try again in ${seconds} s.`);
  }
  return decision;
}

/** Deletes windows that ended before `before`; returns how many rows went. */
export async function pruneRateLimits(db: DbTx, before: Date): Promise<number> {
  const { count } = await db.rateLimit.deleteMany({ where: { bucket: { lt: before } } });
  return count;
}
