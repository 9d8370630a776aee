/**
 * The embedded default: a PGlite database persisted under `.data/` and served on loopback with
 * pglite-socket, so web, worker and bot processes share one real PostgreSQL dialect with zero set-up.
 *
 * The first process that needs it becomes its host (an exclusive lock file names the host's pid); every later
 * process reads the address file and connects. If the host dies, the next process takes over on the same port,
 * so the pools of the survivors reconnect to the new host.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedServer {
  /** `postgresql://…@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and closes the database (flushing it to disk). */
  stop(): Promise<void>;
}

export interface StartEmbeddedServerOptions {
  /** Directory of the database files; `memory://` keeps it in memory (tests). */
  dataDir: string;
  /** Loopback port; 0 picks a free one. */
  port?: number;
}

/** How many connections one embedded server accepts; PGlite runs their statements one at a time. */
const MAX_CONNECTIONS = 200;

export const embeddedUrl = (port: number): string =>
  `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;

/** Starts PGlite on `dataDir` and serves it on 127.0.0.1. */
export async function startEmbeddedServer({
  dataDir,
  port = 0,
}: StartEmbeddedServerOptions): Promise<EmbeddedServer> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (e) {
    await db.close();
    throw e;
  }
  const actualPort = Number(server.getServerConn().split(':').pop());
  let stopped = false;
  return {
    url: embeddedUrl(actualPort),
    port: actualPort,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}

interface AddressFile {
  pid: number;
  port: number;
  url: string;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

const readJson = <T>(path: string): T | null => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
};

/** The pid in a lock file; null when the file is gone. */
const readHolder = (path: string): number | null => {
  try {
    return Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  } catch {
    return null;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface EnsureEmbeddedOptions {
  /** The data directory (`.data/` at the repository root by default). */
  dataRoot: string;
  /** Preferred port when this process becomes the host; 0 reuses the last port or picks a free one. */
  port?: number;
  /** How long to wait for another process that is starting the database. */
  waitMs?: number;
}

export interface EmbeddedConnection {
  readonly url: string;
  /** Set when this process hosts the database; stop it on shutdown. */
  readonly server: EmbeddedServer | null;
}

/**
 * Finds the embedded database another process serves, or starts and hosts it in this process. Safe to call
 * from several processes at once: exactly one becomes the host.
 */
export async function ensureEmbeddedDatabase({
  dataRoot,
  port = 0,
  waitMs = 60_000,
}: EnsureEmbeddedOptions): Promise<EmbeddedConnection> {
  mkdirSync(dataRoot, { recursive: true });
  const addressPath = join(dataRoot, 'pglite.json');
  const lockPath = join(dataRoot, 'pglite.lock');
  // The last port served from, kept across clean shutdowns so that clients' URLs stay valid.
  const portPath = join(dataRoot, 'pglite.port');
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const address = readJson<AddressFile>(addressPath);
    if (address && isAlive(address.pid) && (await canConnect(address.port))) {
      return { url: address.url, server: null };
    }
    // The lock appears with its holder's pid already in it (written aside, then hard-linked into place), so a
    // reader never sees an empty lock and mistakes it for a stale one.
    const candidate = `${lockPath}.${process.pid}`;
    writeFileSync(candidate, String(process.pid));
    try {
      linkSync(candidate, lockPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(lockPath);
      if (holder === null) continue; // released meanwhile
      if (!isAlive(holder)) {
        // Its holder died: remove the stale lock (only if it is still that one) and try again.
        if (readHolder(lockPath) === holder) rmSync(lockPath, { force: true });
        continue;
      }
      await sleep(100);
      continue;
    } finally {
      rmSync(candidate, { force: true });
    }
    try {
      const lastPort = Number.parseInt(readJson<string>(portPath) ?? '', 10);
      const previousPort = port || address?.port || (Number.isFinite(lastPort) ? lastPort : 0);
      let server: EmbeddedServer;
      try {
        server = await startEmbeddedServer({ dataDir: join(dataRoot, 'pglite'), port: previousPort });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port) throw e;
        server = await startEmbeddedServer({ dataDir: join(dataRoot, 'pglite'), port: 0 });
      }
      writeFileSync(addressPath, JSON.stringify({ pid: process.pid, port: server.port, url: server.url }));
      writeFileSync(portPath, JSON.stringify(String(server.port)));
      const release = () => {
        const current = readJson<AddressFile>(addressPath);
        if (current?.pid === process.pid) rmSync(addressPath, { force: true });
        rmSync(lockPath, { force: true });
      };
      process.once('exit', release);
      return {
        url: server.url,
        server: {
          ...server,
          async stop() {
            await server.stop();
            process.off('exit', release);
            release();
          },
        },
      };
    } catch (e) {
      rmSync(lockPath, { force: true });
      throw e;
    }
  }
  throw new Error(
    `The embedded database under ${dataRoot} did not become available within ${waitMs / 1000} s. ` +
      `Another process holds ${lockPath}; stop it, or set DATABASE_URL to a PostgreSQL server.`,
  );
}
