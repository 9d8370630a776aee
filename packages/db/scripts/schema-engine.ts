/**
 * Prisma's own schema engine, run offline: the CLI downloads a native engine, but the same engine ships on
 * npm as WebAssembly (@prisma/schema-engine-wasm, the version the CLI pins) and talks to the database through
 * a driver adapter. paperlab uses it to write migrations exactly as `prisma migrate dev` would, and to prove
 * that a migrated database matches schema.prisma (`diffDatabaseToSchema` returns no statements).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
} from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { REPO_ROOT } from '../src/env.ts';
import { MIGRATIONS_DIR, readMigrations } from '../src/migrate.ts';

export const SCHEMA_PATH = join(REPO_ROOT, 'prisma', 'schema.prisma');

type Engine = Awaited<ReturnType<typeof bg.SchemaEngine.new>>;

/** The slice of the WebAssembly API used here (the project's lib settings carry no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: unknown };
}

let loaded = false;
let panicRegistry: { message: string } = { message: '' };
/** Instantiates the wasm module once (its JS glue is written for bundlers, so Node wires it by hand). */
function loadWasm(): void {
  if (loaded) return;
  // The engine reports a Rust panic's message here before it throws.
  const registry = {
    message: '',
    set_message(m: string) {
      registry.message = m;
    },
  };
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = registry;
  panicRegistry = registry;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instance = new wasm.Instance(new wasm.Module(readFileSync(wasmPath)), {
    './schema_engine_bg.js': bg,
  });
  (bg as unknown as { __wbg_set_wasm(exports: unknown): void }).__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  loaded = true;
}

const schemaFiles = (schema: string) => [{ path: 'schema.prisma', content: schema }];
const noFilters = { externalTables: [], externalEnums: [] };

/** PostgreSQL's one-byte `"char"` type (oid 18), which the catalog queries return and adapter-pg cannot map. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[]; rows?: unknown[] };
/** Result rows whose listed columns were `"char"`, so the adapter wrapper can type them as characters. */
const charColumns = new WeakMap<object, number[]>();
const charAsText = (result: unknown): unknown => {
  for (const r of (Array.isArray(result) ? result : [result]) as (QueryResultLike | undefined)[]) {
    const fields = r?.fields ?? [];
    const indices = fields.flatMap((f, i) => (f.dataTypeID === PG_CHAR_OID ? [i] : []));
    if (indices.length === 0 || !r?.rows) continue;
    for (const i of indices) fields[i]!.dataTypeID = PG_TEXT_OID;
    charColumns.set(r.rows, indices);
  }
  return result;
};

/** Gives `"char"` columns the Character type the schema engine expects (adapter-pg 7.10 rejects them). */
function typeCharColumns<Q extends SqlQueryable>(queryable: Q): Q {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const rs = await queryRaw(query);
    for (const i of charColumns.get(rs.rows) ?? []) rs.columnTypes[i] = ColumnTypeEnum.Character;
    return rs;
  };
  return queryable;
}

function charAwareAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  typeCharColumns(adapter);
  // adapter-pg splits scripts on every ";", breaking dollar-quoted function bodies; the native engine sends a
  // migration whole, and so does this (one simple-protocol query runs a multi-statement script).
  const driver = (
    adapter as SqlDriverAdapter & { underlyingDriver(): pg.Pool | pg.PoolClient }
  ).underlyingDriver();
  adapter.executeScript = async (script) => {
    await driver.query(script);
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolation) => typeCharColumns(await startTransaction(isolation));
  return adapter;
}

/**
 * A pg client that reports `"char"` columns as text (remembering which, for `typeCharColumns`). The schema engine describes a database through catalog
 * queries that return `"char"` columns (pg_class.relkind, …); adapter-pg 7.10 has no mapping for that type.
 */
class CatalogFriendlyClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: forwards pg's overloaded query signature unchanged
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (err: unknown, res: unknown) => void;
      args[last] = (err: unknown, res: unknown) => callback(err, err ? res : charAsText(res));
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const out = (super.query as (...a: any[]) => any)(...args);
    return out && typeof out.then === 'function' ? out.then(charAsText) : out;
  }
}

async function withEngine<T>(url: string, schema: string, fn: (engine: Engine) => Promise<T>): Promise<T> {
  loadWasm();
  const pool = new pg.Pool({ connectionString: url, max: 2, Client: CatalogFriendlyClient });
  const pgFactory = new PrismaPg(pool);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: pgFactory.provider,
    adapterName: pgFactory.adapterName,
    connect: async () => charAwareAdapter(await pgFactory.connect()),
    connectToShadowDb: async () => charAwareAdapter(await pgFactory.connectToShadowDb()),
  };
  const engine = await bg.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await fn(engine);
  } catch (e) {
    if (panicRegistry.message) throw new Error(`Prisma's schema engine panicked: ${panicRegistry.message}`);
    throw e;
  } finally {
    engine.free();
    // The engine holds Prisma's advisory lock on a session of its own until that session ends.
    await pool.end();
  }
}

/**
 * The SQL that takes the database at `url` to `schema` (Prisma's `migrate diff --from-config-datasource
 * --to-schema --script`). Empty when the database already matches the schema.
 */
export async function diffDatabaseToSchema(
  url: string,
  schema = readFileSync(SCHEMA_PATH, 'utf8'),
): Promise<string> {
  return withEngine(url, schema, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files: schemaFiles(schema), configDir: REPO_ROOT },
      to: { tag: 'schemaDatamodel', files: schemaFiles(schema) },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return stripEmpty(result.stdout ?? '');
  });
}

/** The SQL of a first migration creating `schema` from nothing (`migrate diff --from-empty --to-schema`). */
export async function diffEmptyToSchema(
  url: string,
  schema = readFileSync(SCHEMA_PATH, 'utf8'),
): Promise<string> {
  return withEngine(url, schema, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: schemaFiles(schema) },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return stripEmpty(result.stdout ?? '');
  });
}

const migrationsList = (dir: string) => ({
  baseDir: dir,
  lockfile: {
    path: 'migration_lock.toml',
    content: existsSync(join(dir, 'migration_lock.toml'))
      ? readFileSync(join(dir, 'migration_lock.toml'), 'utf8')
      : null,
  },
  shadowDbInitScript: '',
  migrationDirectories: readMigrations(dir).map((m) => ({
    path: m.name,
    migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: m.sql } },
  })),
});

/** What `prisma migrate status` sees: edited, failed and pending migrations (history null = up to date). */
export async function prismaMigrateStatus(url: string, dir = MIGRATIONS_DIR) {
  return withEngine(url, readFileSync(SCHEMA_PATH, 'utf8'), (engine) =>
    engine.diagnoseMigrationHistory({
      migrationsList: migrationsList(dir),
      optInToShadowDatabase: false,
      filters: noFilters,
    }),
  );
}

/** `prisma migrate deploy`: applies pending migrations with Prisma's own engine; returns their names. */
export async function prismaMigrateDeploy(url: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  return withEngine(url, readFileSync(SCHEMA_PATH, 'utf8'), async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: migrationsList(dir), filters: noFilters });
    return out.appliedMigrationNames;
  });
}

/** Prisma prints a comment for an empty diff; paperlab treats it as no statements. */
const stripEmpty = (sql: string): string => (/^\s*-- This is an empty migration\.\s*$/.test(sql) ? '' : sql);
