// Prisma CLI configuration. Only `prisma generate` runs on paperlab's offline machines; the datasource is
// given when DATABASE_URL is set so that `prisma migrate deploy/status` work where Prisma's engine exists.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations', seed: 'tsx ../../prisma/seed.ts' },
  ...(url ? { datasource: { url } } : {}),
});
