// Prisma clients over @prisma/adapter-pg: the same code path for embedded PGlite and a PostgreSQL server.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type Db = PrismaClient;
/** A client or an interactive transaction: what every repository function takes. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface CreateDbOptions {
  url: string;
  /** Connections in the pool (default 10). */
  max?: number;
}

/** Opens a Prisma client on `url`. Connections are made lazily; `$disconnect()` closes the pool. */
export function createDb({ url, max = 10 }: CreateDbOptions): Db {
  const adapter = new PrismaPg({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  return new PrismaClient({ adapter });
}
