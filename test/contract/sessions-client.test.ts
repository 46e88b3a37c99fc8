// Both sign-in modes of the typed client (client/) against the app listening on a real port: the
// bearer Session and the browser's CookieSession, with the session list and its ends. Node's fetch
// keeps no cookies, so the cookie mode runs through a small jar that does what a browser does
// with Set-Cookie (by name and path; the API's Secure cookies are accepted over this loopback
// http, as browsers do for localhost).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CookieSession, Session, endMyOtherSessions, endMySession, getMyProfile, listMySessions, updateMyProfile } from '../../client/src/index.js';
import { ACCESS_COOKIE } from '../../src/plugins/cookies.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../helpers/users.js';

interface Jar {
  cookies: Map<string, { value: string; path: string }>;
  fetch: typeof fetch;
}

function browserJar(): Jar {
  const cookies = new Map<string, { value: string; path: string }>();
  const jarFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const sent = [...cookies].filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path === '/' ? '/' : `${c.path}/`));
    if (sent.length) request.headers.set('cookie', sent.map(([name, c]) => `${name}=${c.value}`).join('; '));
    const response = await fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (value === '' || attributes.some((a) => a.toLowerCase() === 'max-age=0')) cookies.delete(name);
      else cookies.set(name, { value, path });
    }
    return response;
  };
  return { cookies, fetch: jarFetch };
}

describeEachDialect(
  'the typed client in both sign-in modes',
  (dialect) => {
    let ctx: TestContext;
    let baseUrl: string;
    beforeAll(async () => {
      ctx = await buildTestApp(dialect);
      await ctx.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    });
    afterAll(() => ctx?.close());

    it('signs a browser in by cookie: reads, CSRF-protected writes, refresh on 401, sign-out', async () => {
      const user = await createUser(ctx, 'padawan');
      const jar = browserJar();
      const browser = new CookieSession({ baseUrl, fetch: jar.fetch });
      const signedIn = await browser.login(user.username, TEST_PASSWORD);
      expect(signedIn.user.id).toBe(user.id);
      expect(JSON.stringify(signedIn)).not.toContain(jar.cookies.get(ACCESS_COOKIE)!.value);

      expect((await getMyProfile({ client: browser.client, throwOnError: true })).data.id).toBe(user.id);
      // a write: the client adds X-CSRF-Token by itself
      const updated = await updateMyProfile({ client: browser.client, throwOnError: true, body: { full_name: 'Rey' } });
      expect(updated.data.full_name).toBe('Rey');

      // a reloaded page has no CSRF token: the client fetches one before its first write
      const reloaded = new CookieSession({ baseUrl, fetch: jar.fetch });
      expect(reloaded.csrfToken).toBeNull();
      expect((await updateMyProfile({ client: reloaded.client, throwOnError: true, body: { full_name: 'Rey Skywalker' } })).data.full_name).toBe(
        'Rey Skywalker',
      );

      // the access cookie expired (gone from the jar): the 401 is answered by one refresh and the call retried
      const before = jar.cookies.get('__Secure-mathakine-refresh')!.value;
      jar.cookies.delete(ACCESS_COOKIE);
      expect((await getMyProfile({ client: browser.client, throwOnError: true })).data.id).toBe(user.id);
      expect(jar.cookies.get('__Secure-mathakine-refresh')!.value).not.toBe(before);

      const sessions = await listMySessions({ client: browser.client, throwOnError: true });
      expect(sessions.data.items.filter((s) => s.current)).toHaveLength(1);

      await browser.logout();
      expect(jar.cookies.has(ACCESS_COOKIE)).toBe(false);
      const after = await getMyProfile({ client: browser.client });
      expect(after.response.status).toBe(401);
    });

    it('lets a parent see the devices and end them, in either mode', async () => {
      const user = await createUser(ctx, 'padawan');
      const parent = new Session({ baseUrl });
      await parent.login(user.username, TEST_PASSWORD);
      const childTablet = new Session({ baseUrl });
      await childTablet.login(user.username, TEST_PASSWORD);
      const jar = browserJar();
      const childBrowser = new CookieSession({ baseUrl, fetch: jar.fetch });
      await childBrowser.login(user.username, TEST_PASSWORD);

      const { data } = await listMySessions({ client: parent.client, throwOnError: true });
      const open = data.items.filter((s) => s.user_agent !== null); // the helper's own session has no device
      expect(open).toHaveLength(3);
      expect(open.filter((s) => s.current)).toHaveLength(1);

      // ending the tablet's session: its next call is refused, and its refresh too (the Session answers 401)
      const tablet = (await listMySessions({ client: childTablet.client, throwOnError: true })).data.items.find((s) => s.current)!;
      expect((await endMySession({ client: parent.client, path: { id: tablet.id } })).response.status).toBe(204);
      expect((await getMyProfile({ client: childTablet.client })).response.status).toBe(401);

      // "sign out everywhere else": the browser's cookies stop working, the parent's session goes on
      const ended = await endMyOtherSessions({ client: parent.client, throwOnError: true });
      expect(ended.data.ended).toBe(2); // the browser and the helper's session
      expect((await getMyProfile({ client: childBrowser.client })).response.status).toBe(401);
      expect((await getMyProfile({ client: parent.client, throwOnError: true })).data.id).toBe(user.id);
      expect((await listMySessions({ client: parent.client, throwOnError: true })).data.items.map((s) => s.current)).toEqual([true]);
    });
  },
  { pooler: true },
);
