// Input that used to reach PostgreSQL and fail there (500), and input that should never be kept:
// both dialects refuse it alike, in the error shape.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';

describeEachDialect('hostile input', (dialect) => {
  let ctx: TestContext;
  let learner: TestUser;
  let staff: TestUser;
  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    learner = await createUser(ctx, 'padawan');
    staff = await createUser(ctx, 'archiviste');
  });
  afterAll(() => ctx.close());

  const expectValidationError = (res: { statusCode: number; json(): any }) => {
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  };

  it.each([
    ['GET', '/api/exercises/2147483648'],
    ['GET', '/api/exercises/99999999999999999999'],
    ['PATCH', '/api/exercises/2147483648'],
    ['POST', '/api/exercises/2147483648/attempts'],
    ['GET', '/api/challenges/2147483648'],
    ['GET', '/api/challenges/2147483648/stats'],
    ['GET', '/api/attempts/2147483648'],
    ['GET', '/api/users/2147483648'],
    ['GET', '/api/attempts?exercise_id=2147483648'],
  ])('%s %s: an id past PostgreSQL integer is a 400', async (method, url) => {
    const res = await ctx.app.inject({ method: method as 'GET', url, headers: staff.headers, payload: method === 'GET' ? undefined : { user_answer: '1' } });
    expectValidationError(res);
  });

  it('still finds the largest integer id as a plain 404', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/exercises/2147483647', headers: staff.headers });
    expect(res.statusCode).toBe(404);
  });

  it.each([
    ['POST', '/api/auth/login', { username: 'luke\u0000', password: 'whatever-password' }, 'username'],
    ['PATCH', '/api/users/me', { full_name: 'Ahsoka\u0000Tano' }, 'full_name'],
    ['PATCH', '/api/users/me', { accessibility_settings: { 'font\u0000': true } }, 'accessibility_settings.font\u0000'],
    ['POST', '/api/exercises/1/attempts', { user_answer: '4\u00002' }, 'user_answer'],
    ['POST', '/api/exercises/1/attempts', { user_answer: '4', device_info: 'tab\u0000let' }, 'device_info'],
    ['POST', '/api/challenges/1/attempts', { user_solution: 'A\u0000' }, 'user_solution'],
    ['GET', '/api/exercises?search=a%00b', undefined, 'search'],
  ])('%s %s: a NUL character is a 400 naming the field', async (method, url, payload, path) => {
    const res = await ctx.app.inject({ method: method as 'POST', url, headers: learner.headers, payload });
    expectValidationError(res);
    expect(res.json().error.details[0].path).toBe(path);
  });

  it.each([
    ['avatar_url', 'javascript:alert(1)'],
    ['avatar_url', 'data:image/svg+xml;base64,PHN2Zz4='],
    ['avatar_url', 'ftp://example.org/a.png'],
  ])('refuses %s = %s', async (field, value) => {
    expectValidationError(await ctx.app.inject({ method: 'PATCH', url: '/api/users/me', headers: learner.headers, payload: { [field]: value } }));
  });

  it('accepts an https avatar', async () => {
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/users/me',
      headers: learner.headers,
      payload: { avatar_url: 'https://cdn.example.org/me.png' },
    });
    expect(res.statusCode).toBe(200);
  });

  it.each(['image_url', 'audio_url'])('refuses a javascript: exercise %s', async (field) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/exercises',
      headers: staff.headers,
      payload: { title: 'x', exercise_type: 'addition', difficulty: 'initie', question: '1+1', correct_answer: '2', [field]: 'javascript:alert(1)' },
    });
    expectValidationError(res);
    expect(JSON.stringify(res.json().error.details)).toContain(field);
  });

  it('refuses a data: challenge image_url', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/challenges', headers: staff.headers, payload: { image_url: 'data:text/html,<script>' } });
    expectValidationError(res);
    expect(JSON.stringify(res.json().error.details)).toContain('image_url');
  });

  it.each([
    [{ nested: { deep: true } }],
    [Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, true]))],
    [{ long: 'x'.repeat(101) }],
    [['a', 'b']],
  ])('bounds accessibility_settings: refuses %j', async (settings) => {
    expectValidationError(
      await ctx.app.inject({ method: 'PATCH', url: '/api/users/me', headers: learner.headers, payload: { accessibility_settings: settings } }),
    );
  });

  it('keeps a short, plain x-request-id and replaces anything else', async () => {
    const get = (id: string) => ctx.app.inject({ method: 'GET', url: '/api/exercises/types', headers: { 'x-request-id': id } });
    expect((await get('abc-123_DEF.4:5')).headers['x-request-id']).toBe('abc-123_DEF.4:5');
    for (const bad of ['x'.repeat(65), 'a b', 'id\u0001', '<script>', 'a\tb']) {
      const echoed = (await get(bad)).headers['x-request-id'];
      expect(echoed).not.toBe(bad);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/exercises/types' })).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('trusts no X-Forwarded-For by default, even in production', async () => {
    expect(parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'sqlite::memory:' }).TRUST_PROXY_HOPS).toBe(0);
    // this app runs with the default: every forged address counts for the one socket peer
    const statuses = [];
    for (const spoof of ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '192.0.2.50',
        headers: { 'x-forwarded-for': spoof },
        payload: { username: 'nobody-here', password: 'wrong-password' },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
