// Accounts imported from the original app keep their bcrypt hashes until they sign in: the
// password works, and the stored hash becomes argon2id in that sign-in.
import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDialect, type TestContext } from '../../helpers/app.js';

const PASSWORD = 'may-the-force-be-with-you';

describeEachDialect('imported bcrypt hashes', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
  });
  afterAll(() => ctx.close());

  async function insertLegacyUser(username: string, prefix: '2a' | '2b' | '2y') {
    // bcryptjs writes $2b$; the three prefixes differ only in the bug they mark, the hash is the same
    const hashed = `$${prefix}$${bcrypt.hashSync(PASSWORD, 4).slice(4)}`;
    const { users } = ctx.database.tables;
    await ctx.database.transaction((tx) => tx.insert(users).values({ username, email: `${username}@example.org`, hashed_password: hashed, role: 'padawan' }));
    return hashed;
  }
  const storedHash = async (username: string) => {
    const { users } = ctx.database.tables;
    const [row] = await ctx.database.db.select({ h: users.hashed_password }).from(users).where(eq(users.username, username));
    return row.h;
  };
  const login = (username: string, password: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

  it.each(['2a', '2b', '2y'] as const)('signs in a $%s$ hash and stores argon2id instead', async (prefix) => {
    const username = `legacy_${prefix}`;
    const original = await insertLegacyUser(username, prefix);

    const wrong = await login(username, 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(await storedHash(username)).toBe(original);

    const first = await login(username, PASSWORD);
    expect(first.statusCode).toBe(200);
    expect(first.json().user.username).toBe(username);
    expect(await storedHash(username)).toMatch(/^\$argon2id\$/);

    expect((await login(username, PASSWORD)).statusCode).toBe(200);
    expect((await login(username, 'not-the-password')).statusCode).toBe(401);
  });

  it('changes the password of an account still on bcrypt: the new one is argon2id', async () => {
    await insertLegacyUser('legacy_change', '2b');
    // the hash upgrade on sign-in is what this test avoids: put the bcrypt hash back
    const signin = await login('legacy_change', PASSWORD);
    expect(signin.statusCode).toBe(200);
    const { users } = ctx.database.tables;
    await ctx.database.transaction((tx) =>
      tx
        .update(users)
        .set({ hashed_password: bcrypt.hashSync(PASSWORD, 4) })
        .where(eq(users.username, 'legacy_change')),
    );
    const headers = { authorization: `Bearer ${signin.json().access_token}` };
    const wrong = await ctx.app.inject({
      method: 'PUT',
      url: '/api/users/me/password',
      headers,
      payload: { current_password: 'nope-nope-nope', new_password: 'a-brand-new-secret' },
    });
    expect(wrong.statusCode).toBe(400);
    const change = await ctx.app.inject({
      method: 'PUT',
      url: '/api/users/me/password',
      headers,
      payload: { current_password: PASSWORD, new_password: 'a-brand-new-secret' },
    });
    expect(change.statusCode).toBe(204);
    expect(await storedHash('legacy_change')).toMatch(/^\$argon2id\$/);
    expect((await login('legacy_change', 'a-brand-new-secret')).statusCode).toBe(200);
    expect((await login('legacy_change', PASSWORD)).statusCode).toBe(401);
  });
});
