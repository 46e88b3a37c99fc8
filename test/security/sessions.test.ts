// Password guessing and session growth (the per-account throttle: sign-in-throttle.test.ts): the
// password change under the sign-in limit, IPv6 counted per /64, an absolute session lifetime and
// the purge of expired refresh tokens.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { purgeExpiredRefreshTokens } from '../../src/ops/upkeep/purge-sessions.js';
import { rateLimitKey } from '../../src/plugins/security.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../helpers/users.js';

describeEachDialect(
  'sessions and guessing',
  (dialect) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await buildTestApp(dialect, { REFRESH_SESSION_MAX_DAYS: '1' });
    });
    afterAll(() => ctx.close());

    const login = (username: string, password: string, remoteAddress: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password } });

    it('ends a session at its absolute lifetime however often it was refreshed, and purges expired tokens', async () => {
      const user = await createUser(ctx, 'padawan');
      const first = (await login(user.username, TEST_PASSWORD, '192.0.2.1')).json();
      const refresh = (token: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });
      const second = await refresh(first.refresh_token);
      expect(second.statusCode).toBe(200);
      const { refreshTokens } = ctx.database.tables;
      // the sign-in happened two days ago (REFRESH_SESSION_MAX_DAYS=1 here)
      await ctx.database.transaction((tx) =>
        tx
          .update(refreshTokens)
          .set({ session_started_at: new Date(Date.now() - 2 * 86_400_000) })
          .where(eq(refreshTokens.user_id, user.id)),
      );
      expect((await refresh(second.json().refresh_token)).statusCode).toBe(401);

      await ctx.database.transaction((tx) =>
        tx
          .update(refreshTokens)
          .set({ expires_at: new Date(Date.now() - 1000) })
          .where(eq(refreshTokens.user_id, user.id)),
      );
      expect(await purgeExpiredRefreshTokens(ctx.database)).toBeGreaterThanOrEqual(2);
      expect(await ctx.database.db.select().from(refreshTokens).where(eq(refreshTokens.user_id, user.id))).toEqual([]);
    });
  },
  { pooler: true },
);

describeEachDialect(
  'sign-in limit per /64',
  (dialect) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await buildTestApp(dialect, { AUTH_RATE_LIMIT_PER_MINUTE: '2' });
    });
    afterAll(() => ctx.close());

    it('keys IPv6 by /64', () => {
      expect(rateLimitKey('2001:db8:1:2:aaaa::1')).toBe(rateLimitKey('2001:0db8:0001:0002:ffff:1:2:3'));
      expect(rateLimitKey('2001:db8:1:2::1')).not.toBe(rateLimitKey('2001:db8:1:3::1'));
      expect(rateLimitKey('203.0.113.5')).toBe('203.0.113.5');
    });

    it('counts addresses of one IPv6 /64 together, and puts the password change under the sign-in limit', async () => {
      const statuses = [];
      for (const address of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:dead:beef:0:3']) {
        statuses.push(
          (
            await ctx.app.inject({
              method: 'POST',
              url: '/api/auth/login',
              remoteAddress: address,
              payload: { username: 'nobody', password: 'wrong-password' },
            })
          ).statusCode,
        );
      }
      expect(statuses).toEqual([401, 401, 429]);

      const user = await createUser(ctx, 'padawan');
      const changes = [];
      for (let i = 0; i < 3; i++) {
        const res = await ctx.app.inject({
          method: 'PUT',
          url: '/api/users/me/password',
          remoteAddress: '192.0.2.77',
          headers: user.headers,
          payload: { current_password: 'wrong-guess', new_password: 'whatever-new-pw' },
        });
        changes.push(res.statusCode);
      }
      expect(changes).toEqual([400, 400, 429]);
    });
  },
  { pooler: true },
);
