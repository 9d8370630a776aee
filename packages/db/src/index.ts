/**
 * @paperlab/db — the one durable store: Prisma client over PostgreSQL (embedded PGlite by default),
 * migrations, repositories grouped by domain, and the pg-boss job queues. Web, bot and worker read and write
 * only through this package.
 */
export { createDb, type Db, type DbTx } from './client.ts';
export { canonicalJson, hashConfig } from './config-hash.ts';
export { closeDatabase, type DatabaseHandle, getDatabase, resolveDatabaseUrl } from './connection.ts';
export { type Consumer, type ConsumerOptions, consume } from './consumer.ts';
export { type EmbeddedServer, ensureEmbeddedDatabase, startEmbeddedServer } from './embedded.ts';
export type {
  Account,
  AuditLog,
  Class,
  ExperimentRun,
  Leaderboard,
  LessonProgress,
  Membership,
  RateLimit,
  Session,
  Submission,
  User,
  Verification,
} from './generated/prisma/client.ts';
export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export * from './generated/prisma/enums.ts';
export { MIGRATIONS_DIR, type MigrateResult, migrate, readMigrations } from './migrate.ts';
export * from './queue.ts';
export * from './repositories/audit.ts';
export * from './repositories/classes.ts';
export * from './repositories/leaderboards.ts';
export * from './repositories/lessons.ts';
export * from './repositories/rate-limits.ts';
export * from './repositories/reviews.ts';
export * from './repositories/runs.ts';
export * from './repositories/submissions.ts';
export * from './repositories/users.ts';
export * from './scoring.ts';
