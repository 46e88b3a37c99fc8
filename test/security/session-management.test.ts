// Sessions a family can see and end, and the browser sign-in by cookie: through HTTP on both
// dialects and through PgBouncer. Ending a session refuses its access token on the very next
// request and its refresh token; the cookie mode keeps the rotation and reuse rules and refuses
// writes without the CSRF token or from another site.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from '../../src/plugins/cookies.js';
import { CONCURRENT_REFRESH_GRACE_MS } from '../../src/modules/cookie-auth/routes.js';
import { purgeSessions } from '../../src/ops/upkeep/purge-sessions.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../helpers/users.js';

const FRONTEND = 'https://app.example';

describeEachDialect(
  'sessions and the cookie sign-in',
  (dialect) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await buildTestApp(dialect, { CORS_ORIGINS: FRONTEND });
    });
    afterAll(() => ctx.close());

    interface Device {
      access: string;
      refresh: string;
      headers: { authorization: string };
    }
    async function signIn(username: string, userAgent: string, remoteAddress: string): Promise<Device> {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress,
        headers: { 'user-agent': userAgent },
        payload: { username, password: TEST_PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      const { access_token, refresh_token } = res.json();
      return { access: access_token, refresh: refresh_token, headers: { authorization: `Bearer ${access_token}` } };
    }
    const me = (headers: Record<string, string>) => ctx.app.inject({ method: 'GET', url: '/api/users/me', headers });
    const refresh = (token: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });
    const sessionsOf = async (device: Device) => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/users/me/sessions', headers: device.headers });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as {
        id: number;
        current: boolean;
        user_agent: string | null;
        ip_address: string | null;
        created_at: string;
        last_used_at: string;
      }[];
    };

    describe('bearer sessions', () => {
      it('lists the signed-in devices, marks the current one, and never shows a token', async () => {
        const user = await createUser(ctx, 'padawan');
        const laptop = await signIn(user.username, 'Firefox on the family laptop', '192.0.2.10');
        const tablet = await signIn(user.username, 'Safari on the tablet', '2001:db8::7');
        const seen = await sessionsOf(tablet);
        const ours = seen.filter((s) => s.user_agent !== null);
        expect(ours.map((s) => [s.user_agent, s.ip_address, s.current])).toEqual([
          ['Safari on the tablet', '2001:db8::7', true],
          ['Firefox on the family laptop', '192.0.2.10', false],
        ]);
        expect(Object.keys(seen[0]).sort()).toEqual(['created_at', 'current', 'expires_at', 'id', 'ip_address', 'last_used_at', 'user_agent']);
        const body = JSON.stringify(seen);
        for (const secret of [laptop.access, laptop.refresh, tablet.access, tablet.refresh]) expect(body).not.toContain(secret);
        // the laptop's view marks the laptop
        expect((await sessionsOf(laptop)).find((s) => s.current)?.user_agent).toBe('Firefox on the family laptop');
      });

      it('ending one session refuses its access token at once and its refresh token, and leaves the others', async () => {
        const user = await createUser(ctx, 'padawan');
        const parent = await signIn(user.username, 'parent phone', '192.0.2.20');
        const child = await signIn(user.username, 'school computer', '198.51.100.4');
        expect((await me(child.headers)).statusCode).toBe(200);
        const target = (await sessionsOf(parent)).find((s) => s.user_agent === 'school computer')!;

        const ended = await ctx.app.inject({ method: 'DELETE', url: `/api/users/me/sessions/${target.id}`, headers: parent.headers });
        expect(ended.statusCode, ended.body).toBe(204);
        // the access token is still within its 15 minutes: refused all the same, on the next request
        const refused = await me(child.headers);
        expect(refused.statusCode).toBe(401);
        expect(refused.json().error.code).toBe('UNAUTHORIZED');
        expect((await refresh(child.refresh)).statusCode).toBe(401);
        expect((await me(parent.headers)).statusCode).toBe(200);
        expect((await sessionsOf(parent)).map((s) => s.id)).not.toContain(target.id);
        // ending it again is fine; someone else's session is not found, and stays open
        expect((await ctx.app.inject({ method: 'DELETE', url: `/api/users/me/sessions/${target.id}`, headers: parent.headers })).statusCode).toBe(204);
        const stranger = await createUser(ctx, 'archiviste');
        const parentSession = (await sessionsOf(parent)).find((s) => s.current)!;
        const foreign = await ctx.app.inject({ method: 'DELETE', url: `/api/users/me/sessions/${parentSession.id}`, headers: stranger.headers });
        expect(foreign.statusCode).toBe(404);
        expect((await me(parent.headers)).statusCode).toBe(200);
      });

      it('ends every session but the current one', async () => {
        const user = await createUser(ctx, 'padawan');
        const kept = await signIn(user.username, 'kept', '192.0.2.30');
        const others = [await signIn(user.username, 'other 1', '192.0.2.31'), await signIn(user.username, 'other 2', '192.0.2.32')];
        const res = await ctx.app.inject({ method: 'DELETE', url: '/api/users/me/sessions', headers: kept.headers });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().ended).toBe(3); // the two others and the helper's own session of this user
        for (const other of others) {
          expect((await me(other.headers)).statusCode).toBe(401);
          expect((await refresh(other.refresh)).statusCode).toBe(401);
        }
        expect((await me(kept.headers)).statusCode).toBe(200);
        const left = await sessionsOf(kept);
        expect(left.map((s) => [s.user_agent, s.current])).toEqual([['kept', true]]);
        // and the kept one still refreshes, staying the same session
        const rotated = await refresh(kept.refresh);
        expect(rotated.statusCode).toBe(200);
        const next = { headers: { authorization: `Bearer ${rotated.json().access_token}` } } as Device;
        expect((await sessionsOf(next)).map((s) => [s.id, s.current])).toEqual([[left[0].id, true]]);
      });

      it('a refresh token presented twice ends the session: the access token of the rotation is refused too', async () => {
        const user = await createUser(ctx, 'padawan');
        const device = await signIn(user.username, 'stolen laptop', '192.0.2.40');
        const rotated = await refresh(device.refresh);
        expect(rotated.statusCode).toBe(200);
        const fresh = { authorization: `Bearer ${rotated.json().access_token}` };
        expect((await me(fresh)).statusCode).toBe(200);
        expect((await refresh(device.refresh)).statusCode).toBe(401); // reuse
        expect((await me(fresh)).statusCode).toBe(401);
        expect((await refresh(rotated.json().refresh_token)).statusCode).toBe(401);
      });

      it('signing out ends the session: its access token is refused at once', async () => {
        const user = await createUser(ctx, 'padawan');
        const device = await signIn(user.username, 'shared computer', '192.0.2.50');
        const out = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: device.headers, payload: { refresh_token: device.refresh } });
        expect(out.statusCode).toBe(204);
        expect((await me(device.headers)).statusCode).toBe(401);
      });

      it('db maintenance purges ended and expired sessions with their refresh tokens, and keeps open ones', async () => {
        const user = await createUser(ctx, 'padawan');
        const open = await signIn(user.username, 'open', '192.0.2.60');
        const closed = await signIn(user.username, 'closed', '192.0.2.61');
        const closedId = (await sessionsOf(open)).find((s) => s.user_agent === 'closed')!.id;
        await ctx.app.inject({ method: 'DELETE', url: `/api/users/me/sessions/${closedId}`, headers: open.headers });
        const { sessions, refreshTokens } = ctx.database.tables;
        const [{ family_id }] = await ctx.database.db.select({ family_id: sessions.family_id }).from(sessions).where(eq(sessions.id, closedId));
        const purged = await purgeSessions(ctx.database);
        expect(purged.sessions).toBeGreaterThanOrEqual(1);
        expect(purged.refreshTokens).toBeGreaterThanOrEqual(1);
        expect(await ctx.database.db.select().from(sessions).where(eq(sessions.id, closedId))).toEqual([]);
        expect(await ctx.database.db.select().from(refreshTokens).where(eq(refreshTokens.family_id, family_id))).toEqual([]);
        expect((await refresh(closed.refresh)).statusCode).toBe(401);
        expect((await me(open.headers)).statusCode).toBe(200);
        expect((await sessionsOf(open)).map((s) => s.user_agent)).toContain('open');
        expect((await refresh(open.refresh)).statusCode).toBe(200);
      });
    });

    describe('cookie sign-in', () => {
      type Jar = Record<string, string>;
      interface CookieDevice {
        jar: Jar;
        csrf: string;
      }
      /** What a browser keeps of the answer's Set-Cookie headers (removals included). */
      function keep(jar: Jar, res: { cookies: { name: string; value: string; maxAge?: number }[] }): void {
        for (const cookie of res.cookies) {
          if (cookie.maxAge === 0 || cookie.value === '') delete jar[cookie.name];
          else jar[cookie.name] = cookie.value;
        }
      }
      async function cookieSignIn(username: string): Promise<CookieDevice & { res: Awaited<ReturnType<typeof ctx.app.inject>> }> {
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/api/auth/cookie/login',
          headers: { 'user-agent': 'browser' },
          payload: { username, password: TEST_PASSWORD },
        });
        expect(res.statusCode, res.body).toBe(200);
        const jar: Jar = {};
        keep(jar, res);
        return { jar, csrf: res.json().csrf_token, res };
      }
      const patchMe = (device: CookieDevice, headers: Record<string, string> = {}) =>
        ctx.app.inject({ method: 'PATCH', url: '/api/users/me', cookies: device.jar, headers, payload: { full_name: 'Leia' } });
      const cookieRefresh = (jar: Jar, headers: Record<string, string>) =>
        ctx.app.inject({ method: 'POST', url: '/api/auth/cookie/refresh', cookies: jar, headers });

      it('sets HttpOnly Secure SameSite cookies scoped to their routes, and no token in the body', async () => {
        const user = await createUser(ctx, 'padawan');
        const { res, csrf } = await cookieSignIn(user.username);
        const byName = Object.fromEntries(res.cookies.map((c) => [c.name, c]));
        expect(byName[ACCESS_COOKIE]).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api', maxAge: 900 });
        expect(byName[REFRESH_COOKIE]).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth/cookie' });
        expect(byName[CSRF_COOKIE]).toMatchObject({ httpOnly: true, secure: true, path: '/' });
        const body = res.json();
        expect(Object.keys(body).sort()).toEqual(['csrf_token', 'expires_in', 'token_type', 'user']);
        expect(body.token_type).toBe('cookie');
        expect(res.body).not.toContain(byName[ACCESS_COOKIE].value);
        expect(res.body).not.toContain(byName[REFRESH_COOKIE].value);
        expect(csrf.length).toBeGreaterThan(20);
      });

      it('authenticates reads by cookie, and refuses writes without the CSRF token or from another site', async () => {
        const user = await createUser(ctx, 'padawan');
        const device = await cookieSignIn(user.username);
        const read = await ctx.app.inject({ method: 'GET', url: '/api/users/me', cookies: device.jar });
        expect(read.statusCode, read.body).toBe(200);
        expect(read.json().id).toBe(user.id);

        const noToken = await patchMe(device);
        expect(noToken.statusCode).toBe(403);
        expect(noToken.json().error.message).toMatch(/CSRF/);
        expect((await patchMe(device, { 'x-csrf-token': 'forged-token' })).statusCode).toBe(403);
        // another browser's token does not fit this browser's secret
        const other = await cookieSignIn((await createUser(ctx, 'padawan')).username);
        expect((await patchMe(device, { 'x-csrf-token': other.csrf })).statusCode).toBe(403);
        // a page of another site that somehow holds a valid token is still refused
        const crossSite = await patchMe(device, { 'x-csrf-token': device.csrf, origin: 'https://evil.example' });
        expect(crossSite.statusCode).toBe(403);
        expect(crossSite.json().error.message).toMatch(/Cross-site/);
        const [row] = await ctx.database.db
          .select({ full_name: ctx.database.tables.users.full_name })
          .from(ctx.database.tables.users)
          .where(eq(ctx.database.tables.users.id, user.id));
        expect(row.full_name).toBeNull();

        const allowed = await patchMe(device, { 'x-csrf-token': device.csrf, origin: FRONTEND });
        expect(allowed.statusCode, allowed.body).toBe(200);
        expect(allowed.json().full_name).toBe('Leia');
        // GET /api/auth/csrf gives the same browser a token that works (a reloaded page)
        const again = await ctx.app.inject({ method: 'GET', url: '/api/auth/csrf', cookies: device.jar });
        expect((await patchMe(device, { 'x-csrf-token': again.json().csrf_token })).statusCode).toBe(200);
        // a bearer request needs no CSRF token (a browser never adds Authorization by itself)
        expect((await ctx.app.inject({ method: 'PATCH', url: '/api/users/me', headers: user.headers, payload: { full_name: 'Leia O.' } })).statusCode).toBe(
          200,
        );
      });

      it('rotates the refresh cookie under CSRF, detects its reuse and ends the session', async () => {
        const user = await createUser(ctx, 'padawan');
        const device = await cookieSignIn(user.username);
        const stolen = { ...device.jar };
        expect((await cookieRefresh(device.jar, {})).statusCode).toBe(403);
        expect((await cookieRefresh(device.jar, { 'x-csrf-token': device.csrf, origin: 'https://evil.example' })).statusCode).toBe(403);

        const rotated = await cookieRefresh(device.jar, { 'x-csrf-token': device.csrf });
        expect(rotated.statusCode, rotated.body).toBe(200);
        keep(device.jar, rotated);
        expect(device.jar[REFRESH_COOKIE]).not.toBe(stolen[REFRESH_COOKIE]);
        expect(device.jar[ACCESS_COOKIE]).toBeDefined(); // a new access cookie (the same text within one second: same claims)
        device.csrf = rotated.json().csrf_token;
        expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', cookies: device.jar })).statusCode).toBe(200);
        expect((await patchMe(device, { 'x-csrf-token': device.csrf })).statusCode).toBe(200);

        // the old refresh cookie again at once: another tab of the same browser, not a thief (409, nothing ended)
        const concurrent = await cookieRefresh(stolen, { 'x-csrf-token': device.csrf });
        expect(concurrent.statusCode).toBe(409);
        expect(concurrent.cookies).toEqual([]);
        expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', cookies: device.jar })).statusCode).toBe(200);
        // later than CONCURRENT_REFRESH_GRACE_MS (its use moved back here): reuse; the session ends,
        // the new access cookie with it, and the cookies are cleared
        const { refreshTokens } = ctx.database.tables;
        await ctx.database.transaction((tx) =>
          tx
            .update(refreshTokens)
            .set({ used_at: new Date(Date.now() - CONCURRENT_REFRESH_GRACE_MS - 1000) })
            .where(eq(refreshTokens.user_id, user.id)),
        );
        const reused = await cookieRefresh(stolen, { 'x-csrf-token': device.csrf });
        expect(reused.statusCode).toBe(401);
        expect(
          reused.cookies
            .filter((c) => c.maxAge === 0)
            .map((c) => c.name)
            .sort(),
        ).toEqual([ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE].sort());
        expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', cookies: device.jar })).statusCode).toBe(401);
        expect((await cookieRefresh(device.jar, { 'x-csrf-token': device.csrf })).statusCode).toBe(401);
      });

      it('two tabs refreshing at once with the same cookie: one rotates, the other gets 409, the session goes on', async () => {
        const user = await createUser(ctx, 'padawan');
        const device = await cookieSignIn(user.username);
        const answers = await Promise.all([0, 1].map(() => cookieRefresh({ ...device.jar }, { 'x-csrf-token': device.csrf })));
        expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
        const winner = answers.find((a) => a.statusCode === 200)!;
        keep(device.jar, winner);
        expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', cookies: device.jar })).statusCode).toBe(200);
        expect((await cookieRefresh(device.jar, { 'x-csrf-token': winner.json().csrf_token })).statusCode).toBe(200);
      });

      it('signs out under CSRF: the session ends and its access cookie is refused', async () => {
        const user = await createUser(ctx, 'padawan');
        const device = await cookieSignIn(user.username);
        const logout = (headers: Record<string, string>) => ctx.app.inject({ method: 'POST', url: '/api/auth/cookie/logout', cookies: device.jar, headers });
        expect((await logout({})).statusCode).toBe(403);
        expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', cookies: device.jar })).statusCode).toBe(200);
        const out = await logout({ 'x-csrf-token': device.csrf });
        expect(out.statusCode).toBe(204);
        expect(out.cookies.map((c) => [c.name, c.maxAge])).toEqual(
          expect.arrayContaining([
            [ACCESS_COOKIE, 0],
            [REFRESH_COOKIE, 0],
          ]),
        );
        expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', cookies: device.jar })).statusCode).toBe(401);
      });

      it('lists a cookie session beside bearer ones, and ending it from another device refuses its cookie', async () => {
        const user = await createUser(ctx, 'padawan');
        const browser = await cookieSignIn(user.username);
        const phone = await signIn(user.username, 'phone app', '192.0.2.70');
        const listed = await sessionsOf(phone);
        const browserSession = listed.find((s) => s.user_agent === 'browser')!;
        expect(browserSession.current).toBe(false);
        const fromBrowser = await ctx.app.inject({ method: 'GET', url: '/api/users/me/sessions', cookies: browser.jar });
        expect(fromBrowser.json().items.find((s: { current: boolean }) => s.current).id).toBe(browserSession.id);
        expect((await ctx.app.inject({ method: 'DELETE', url: `/api/users/me/sessions/${browserSession.id}`, headers: phone.headers })).statusCode).toBe(204);
        expect((await ctx.app.inject({ method: 'GET', url: '/api/users/me', cookies: browser.jar })).statusCode).toBe(401);
        expect((await cookieRefresh(browser.jar, { 'x-csrf-token': browser.csrf })).statusCode).toBe(401);
      });
    });
  },
  { pooler: true },
);
