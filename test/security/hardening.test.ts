// What a hostile or careless client meets: security headers, the CORS allowlist, limits on
// bodies, headers and path parameters, the stricter sign-in rate limit, and errors that never
// show internals.
import http from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openConfiguredDatabase } from '../../src/db/configured.js';
import { buildTestApp, createMigratedScratchDatabase, describeEachDialect, testConfig, type ScratchDatabase, type TestContext } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

const FRONTEND = 'https://mathakine.example';

describeEachDialect('hardening', (dialect) => {
  let ctx: TestContext | undefined;
  let app: App | undefined;
  let scratch: ScratchDatabase | undefined;
  afterEach(async () => {
    await ctx?.close();
    await app?.close();
    await scratch?.drop();
    ctx = app = scratch = undefined;
  });

  it('sends the security headers on API answers', async () => {
    ctx = await buildTestApp(dialect);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/exercises/types' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('lets only the configured origins call it from a browser', async () => {
    ctx = await buildTestApp(dialect, { CORS_ORIGINS: `${FRONTEND},http://localhost:5173` });
    const allowed = await ctx.app.inject({ method: 'GET', url: '/api/exercises/types', headers: { origin: FRONTEND } });
    expect(allowed.headers['access-control-allow-origin']).toBe(FRONTEND);
    expect(allowed.headers['access-control-expose-headers']).toMatch(/x-request-id/);
    const preflight = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin: FRONTEND, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(FRONTEND);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);

    const foreign = await ctx.app.inject({ method: 'GET', url: '/api/exercises/types', headers: { origin: 'https://evil.example' } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const foreignPreflight = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreignPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses oversized bodies with 413, bad JSON with 400 and overlong path parameters with 414, in the error shape', async () => {
    ctx = await buildTestApp(dialect, { BODY_LIMIT_BYTES: '2048' });
    const learner = await createUser(ctx, 'padawan');
    const big = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x', password: 'y'.repeat(4096) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });

    const malformed = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "x",',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(malformed.body).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);

    const wrongType = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/xml' }, payload: '<login/>' });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });

    const longId = await ctx.app.inject({ method: 'GET', url: `/api/exercises/${'9'.repeat(500)}`, headers: learner.headers });
    expect(longId.statusCode).toBe(414);
    expect(longId.json()).toMatchObject({ error: { code: 'URI_TOO_LONG' } });
    const hugeId = await ctx.app.inject({ method: 'GET', url: `/api/exercises/${'9'.repeat(40)}`, headers: learner.headers });
    expect(hugeId.statusCode).toBe(400);
  });

  it('refuses request headers above MAX_HEADER_SIZE_BYTES with 431 on the real server', async () => {
    ctx = await buildTestApp(dialect, { MAX_HEADER_SIZE_BYTES: '4096' });
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const address = ctx.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    const status = (headerBytes: number) =>
      new Promise<number | string>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port: address.port, path: '/admin/health', headers: { 'x-padding': 'a'.repeat(headerBytes) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
    expect(await status(1_000)).toBe(200);
    expect(await status(8_000)).toBe(431);
  });

  it('throttles sign-in harder than the rest, with 429 in the error shape', async () => {
    ctx = await buildTestApp(dialect, { AUTH_RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '1000' });
    const attempts = [];
    for (let i = 0; i < 4; i++) {
      attempts.push(await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong-password' } }));
    }
    expect(attempts.slice(0, 3).map((r) => r.statusCode)).toEqual([401, 401, 401]);
    expect(attempts[3].statusCode).toBe(429);
    expect(attempts[3].json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/retry/i) } });
    expect(attempts[3].headers['retry-after']).toBeDefined();
    // other routes still answer
    expect((await ctx.app.inject({ method: 'GET', url: '/api/exercises/types' })).statusCode).toBe(200);
  });

  it('counts rate limits per real client behind the proxy, whatever X-Forwarded-For a client forges', async () => {
    ctx = await buildTestApp(dialect, { AUTH_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY_HOPS: '1' });
    // The proxy (10.0.0.1) appends the address it saw; what comes before is the client's own text.
    const login = (forwardedFor: string) =>
      ctx!.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': forwardedFor },
        payload: { username: 'nobody', password: 'wrong-password' },
      });
    const forged = [];
    for (const spoof of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) forged.push((await login(`${spoof}, 203.0.113.7`)).statusCode);
    expect(forged).toEqual([401, 401, 429]);
    expect((await login('198.51.100.9')).statusCode).toBe(401); // another client has its own budget
  });

  it('answers a bug with a bare 500: no message, no stack, no SQL', async () => {
    scratch = await createMigratedScratchDatabase(dialect);
    const config = testConfig(scratch.url);
    const database = openConfiguredDatabase(config);
    app = await buildApp({ config, database });
    // A route with a bug, added the way a module would be.
    app.get('/api/broken', async () => {
      throw new Error('select secret_column from internal_table where password = hunter2');
    });
    await app.ready();
    // a real account: every access token is checked against the stored user
    const { headers } = await createUser({ app, database });
    const res = await app.inject({ method: 'GET', url: '/api/broken', headers });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } });
  });
});
