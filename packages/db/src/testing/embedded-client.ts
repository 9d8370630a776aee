// Test fixture: one process using the embedded database under argv[2]. Records a visit, prints what it saw as
// JSON, and — when it became the host — keeps serving until SIGTERM.
import pg from 'pg';
import { ensureEmbeddedDatabase } from '../embedded.ts';

const dataRoot = process.argv[2];
if (!dataRoot) throw new Error('usage: embedded-client.ts <dataRoot>');
const { url, server } = await ensureEmbeddedDatabase({ dataRoot });
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query('CREATE TABLE IF NOT EXISTS visit (pid int NOT NULL)');
await client.query('INSERT INTO visit VALUES ($1)', [process.pid]);
const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM visit');
await client.end();
console.log(JSON.stringify({ pid: process.pid, hosting: server !== null, url, visits: rows[0]!.n }));
if (server) {
  const keepAlive = setInterval(() => {}, 1000);
  process.once('SIGTERM', () => {
    clearInterval(keepAlive);
    void server.stop().then(() => process.exit(0));
  });
}
