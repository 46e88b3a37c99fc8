// Deploys that drop nothing: clients that open a new connection for every request keep sending
// while SIGTERM arrives. During SHUTDOWN_DRAIN_MS the server still serves them (no reset, no
// refusal), health answers 503 and every answer says `Connection: close`; then it exits 0.
import http from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { createScratchDatabase, describeEachDialect, type ScratchDatabase } from '../helpers/app.js';
import { httpRequest, startServer, type HttpResult, type ServerProcess, stopAndDrop } from './server-process.js';

const CLIENTS = 8;
const DRAIN_MS = 3_000;

describeEachDialect('draining on SIGTERM', (dialect) => {
  let scratch: ScratchDatabase | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await stopAndDrop(server, scratch);
    server = scratch = undefined;
  });

  it('serves every new connection during the drain window, then exits 0', async () => {
    scratch = await createScratchDatabase(dialect);
    server = await startServer({ DATABASE_URL: scratch.url, MIGRATE_ON_START: 'true', SEED_ON_START: 'true', SHUTDOWN_DRAIN_MS: String(DRAIN_MS) });
    const { baseUrl } = server;
    const agent = new http.Agent({ keepAlive: false }); // a new connection per request

    const results: { at: number; path: string; result: HttpResult }[] = [];
    let signalledAt = Infinity;
    const worker = async (n: number) => {
      // until a little before the listener closes: what is sent then must all be answered
      while (Date.now() < signalledAt + DRAIN_MS - 500) {
        const path = n % 2 ? '/admin/health' : '/api/exercises/types';
        const at = Date.now();
        results.push({ at, path, result: await httpRequest(agent, baseUrl, { method: 'GET', path }) });
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, n) => worker(n)));
    await new Promise((resolve) => setTimeout(resolve, 700));
    signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await load;
    const exit = await server.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    const failed = results.filter((r) => r.result.error);
    expect(
      failed.map((r) => `${r.path}: ${r.result.error}`),
      'reset or refused during the drain',
    ).toEqual([]);
    const before = results.filter((r) => r.at < signalledAt - 500); // answered before the signal, on this loaded machine
    const during = results.filter((r) => r.at > signalledAt + 200);
    expect(before.length).toBeGreaterThan(20);
    expect(during.length).toBeGreaterThan(20);
    expect(before.filter((r) => r.result.status !== 200).map((r) => `${r.path}: ${r.result.status} ${r.result.body}`)).toEqual([]);
    // the catalogue is still served; health tells the load balancer to go elsewhere
    expect(during.filter((r) => r.path === '/api/exercises/types').every((r) => r.result.status === 200 && r.result.connection === 'close')).toBe(true);
    expect(during.filter((r) => r.path === '/admin/health').every((r) => r.result.status === 503 && r.result.connection === 'close')).toBe(true);
    expect(server.logs.some((l) => String(l.msg).startsWith('draining'))).toBe(true);
    expect(server.logs.at(-1)?.msg).toBe('shut down cleanly');
  });
});
