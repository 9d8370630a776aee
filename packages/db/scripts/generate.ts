/**
 * `prisma generate`, offline-safe and incremental. The CLI wants to download its schema engine before every
 * command even though generation does not use it: pointing PRISMA_SCHEMA_ENGINE_BINARY at a no-op binary
 * skips the download. Skips the work when schema.prisma has not changed since the last generation.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const schemaPath = join(pkgDir, '../../prisma/schema.prisma');
const outDir = join(pkgDir, 'src/generated/prisma');
const stampPath = join(outDir, '.schema-hash');
const prismaVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).devDependencies.prisma;
const hash = createHash('sha256')
  .update(readFileSync(schemaPath))
  .update(String(prismaVersion))
  .digest('hex');

if (!process.argv.includes('--force') && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === hash) {
  console.log('Prisma client is up to date.');
  process.exit(0);
}

const noop = ['/bin/true', '/usr/bin/true'].find((p) => existsSync(p));
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
if (noop && !env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = noop;

const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], {
  cwd: pkgDir,
  env,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stampPath, hash);
