// The embedded database across processes: exactly one hosts it, the others find it, and when the host goes
// away the next process takes over with the data and the port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./testing/embedded-client.ts', import.meta.url));
const dataRoot = mkdtempSync(join(tmpdir(), 'paperlab-embedded-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataRoot, { recursive: true, force: true });
});

interface Visit {
  pid: number;
  hosting: boolean;
  url: string;
  visits: number;
}

/** Starts a client process and resolves with the line it prints. */
function visit(): Promise<Visit & { child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataRoot], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ ...(JSON.parse(line) as Visit), child });
    });
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.once('exit', (code) => reject(new Error(`client exited with ${code} before reporting: ${err}`)));
  });
}

const exit = (child: ChildProcess) =>
  new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));

describe('the embedded database', () => {
  it('is hosted by exactly one of several processes and shared by all, surviving its host', async () => {
    const [a, b] = await Promise.all([visit(), visit()]);
    expect([a.hosting, b.hosting].filter(Boolean)).toHaveLength(1);
    expect(a.url).toBe(b.url);
    // Both recorded a visit in the one database (each counted after its own insert, perhaps after both).
    expect(Math.max(a.visits, b.visits)).toBe(2);
    const host = a.hosting ? a : b;
    const port = new URL(host.url).port;

    const c = await visit();
    expect(c).toMatchObject({ hosting: false, url: host.url, visits: 3 });

    // The host crashes: the next process takes over, on the same port, with the data.
    host.child.kill('SIGKILL');
    await exit(host.child);
    const d = await visit();
    expect(d).toMatchObject({ hosting: true, visits: 4 });
    expect(new URL(d.url).port).toBe(port);

    // A clean shutdown: the next host still reuses the port its clients know.
    d.child.kill('SIGTERM');
    await exit(d.child);
    const e = await visit();
    expect(e).toMatchObject({ hosting: true, visits: 5 });
    expect(new URL(e.url).port).toBe(port);
  });
});
