// Graceful deploys: the real server under keep-alive load gets SIGTERM. Every request the server
// accepted (logged as "incoming request") must be answered successfully, the client must get that
// answer, the pool must be closed and the process must exit 0. Requests it never accepted (new
// connections refused once it stopped listening) are allowed to fail: that is what a deploy does.
// Its log is read slowly around the signal, and must still come out whole and in order.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, inject, it } from 'vitest';
import { createScratchDatabase, describeEachDialect, type ScratchDatabase } from '../helpers/app.js';
import { httpRequest, startServer, type HttpResult, type ServerProcess, stopAndDrop } from './server-process.js';

const CONNECTIONS = 12;
const MAX_REQUESTS = 4_000; // bounds the load whatever happens
const MAX_LOAD_MS = 15_000;

interface Sent {
  id: string;
  path: string;
  result: HttpResult;
}

describeEachDialect('graceful shutdown on SIGTERM', (dialect) => {
  let scratch: ScratchDatabase | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await stopAndDrop(server, scratch);
    server = scratch = undefined;
  });

  it('finishes every accepted request under keep-alive load, closes the pool and exits 0', async () => {
    scratch = await createScratchDatabase(dialect);
    const applicationName = `mathakine-shutdown-${randomUUID().slice(0, 8)}`;
    server = await startServer({
      DATABASE_URL: scratch.url,
      MIGRATE_ON_START: 'true',
      PG_APPLICATION_NAME: applicationName,
      PG_POOL_MAX: '8',
      SHUTDOWN_GRACE_MS: '10000',
      SHUTDOWN_DRAIN_MS: '0', // the close itself (the drain before it: shutdown-drain.test.ts)
    });
    const { baseUrl } = server;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

    // A learner to sign in as, made through the API.
    const credentials = { username: 'shutdown_padawan', password: 'may-the-force-be-with-you' };
    const registered = await httpRequest(agent, baseUrl, {
      method: 'POST',
      path: '/api/auth/register',
      body: { ...credentials, email: 'shutdown@example.org' },
    });
    expect(registered.status).toBe(201);
    const signedIn = await httpRequest(agent, baseUrl, { method: 'POST', path: '/api/auth/login', body: credentials });
    expect(signedIn.status).toBe(200);
    const token = (JSON.parse(signedIn.body!) as { access_token: string }).access_token;

    // Keep-alive load: reads through the pool, argon2 sign-ins (slow, so some are in flight at
    // SIGTERM) and health probes. Each request carries its own id, which the server logs.
    const sent: Sent[] = [];
    const startedAt = Date.now();
    let stopped = false;
    const worker = async (n: number) => {
      for (let i = 0; !stopped && sent.length < MAX_REQUESTS && Date.now() - startedAt < MAX_LOAD_MS; i++) {
        const id = randomUUID();
        const kind = (n + i) % 3;
        const request: { method: string; path: string; headers: Record<string, string>; body?: unknown } =
          kind === 0
            ? { method: 'GET', path: '/api/auth/me', headers: { authorization: `Bearer ${token}`, 'x-request-id': id } }
            : kind === 1
              ? { method: 'POST', path: '/api/auth/login', headers: { 'x-request-id': id }, body: credentials }
              : { method: 'GET', path: '/admin/health', headers: { 'x-request-id': id } };
        const result = await httpRequest(agent, baseUrl, request);
        sent.push({ id, path: request.path, result });
        // Once the server no longer takes connections, this client is done.
        if (result.error === 'ECONNREFUSED') return;
      }
    };
    const load = Promise.all(Array.from({ length: CONNECTIONS }, (_, n) => worker(n)));

    await new Promise((resolve) => setTimeout(resolve, 500));
    // A slow log reader (Render's collector under load): stdout's pipe fills and the server's log
    // writes wait. Its last lines must still come out, in order, once the reader catches up.
    const stdout = server.child.stdout!;
    stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const answeredBeforeSignal = sent.filter((s) => s.result.status === 200).length;
    // The signal comes while a sign-in of its own connection is being hashed, so at least one
    // request is in flight even if every load connection happens to be between two requests.
    const inFlightId = randomUUID();
    const inFlight = httpRequest(new http.Agent({ keepAlive: false }), baseUrl, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'x-request-id': inFlightId },
      body: credentials,
    }).then((result) => sent.push({ id: inFlightId, path: '/api/auth/login', result }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill('SIGTERM');
    setTimeout(() => stdout.resume(), 300);
    const exit = await server.exited;
    stopped = true;
    await Promise.all([load, inFlight]);
    agent.destroy();

    expect(exit).toEqual({ code: 0, signal: null });
    expect(answeredBeforeSignal).toBeGreaterThan(20);

    // What the server accepted, and how it answered.
    const accepted = new Set(server.logs.filter((l) => l.msg === 'incoming request' && l.reqId).map((l) => l.reqId!));
    const completed = new Map(server.logs.filter((l) => l.msg === 'request completed' && l.reqId).map((l) => [l.reqId!, l.res!.statusCode]));
    const shutdownIndex = server.logs.findIndex((l) => String(l.msg).startsWith('shutting down'));
    expect(shutdownIndex).toBeGreaterThan(0);
    expect(server.logs.at(-1)?.msg).toBe('shut down cleanly');

    // The server finished every request it accepted, all successfully (register answered 201).
    for (const id of accepted) expect(completed.get(id), `request ${id}`).toBeOneOf([200, 201]);
    // Some were accepted before SIGTERM and finished after it: the in-flight path was exercised.
    const inFlightAtSignal = server.logs
      .slice(0, shutdownIndex)
      .filter(
        (l) =>
          l.msg === 'incoming request' && l.reqId && !server!.logs.slice(0, shutdownIndex).some((c) => c.msg === 'request completed' && c.reqId === l.reqId),
      );
    expect(inFlightAtSignal.length).toBeGreaterThan(0);

    // The client got every accepted request's answer; what failed was never accepted.
    const ours = sent.filter((s) => s.id);
    for (const s of ours) {
      if (accepted.has(s.id)) expect(s.result, `${s.path} ${s.id}`).toMatchObject({ status: 200 });
      else expect(s.result.status, `${s.path} ${s.id} got an answer the server did not log`).toBeUndefined();
    }
    const failed = ours.filter((s) => s.result.status !== 200);
    expect(failed.every((s) => !accepted.has(s.id))).toBe(true);

    if (dialect === 'postgres') {
      // The pool was closed: no connection of this server is left on the database server.
      const admin = new pg.Client({ connectionString: inject('testDatabaseUrl') });
      await admin.connect();
      try {
        const { rows } = await admin.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [applicationName]);
        expect(rows[0].n).toBe(0);
      } finally {
        await admin.end();
      }
    }
  });
});
