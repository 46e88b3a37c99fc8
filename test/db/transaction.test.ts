// The one transaction API: rolled-back work leaves no trace, concurrent transactions do not
// interleave on SQLite (one writer), and readers never see uncommitted rows.
import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeEachDialect, useDatabasePerTest } from '../helpers/app.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const user = (name: string) => ({ username: name, email: `${name}@example.org`, hashed_password: 'x' });

describeEachDialect('transaction()', (dialect) => {
  const open = useDatabasePerTest(dialect);

  it('keeps one transaction intact while a concurrent one rolls back', async () => {
    const db = await open();
    const { users } = db.tables;
    const events: string[] = [];

    const failing = db.transaction(async (tx) => {
      events.push('A begin');
      await tx.insert(users).values(user('anakin'));
      await tick(30); // other requests run meanwhile
      // readers outside the transaction must not see the uncommitted row
      events.push(`A sees outside: ${(await db.db.select().from(users).where(eq(users.username, 'anakin'))).length}`);
      await tx.insert(users).values(user('vader'));
      events.push('A fail');
      throw new Error('boom');
    });
    const succeeding = (async () => {
      await tick(5);
      return db.transaction(async (tx) => {
        events.push('B begin');
        await tx.insert(users).values(user('luke'));
        await tick(10);
        await tx.insert(users).values(user('leia'));
        events.push('B commit');
      });
    })();

    await expect(failing).rejects.toThrow('boom');
    await succeeding;
    const names = (await db.db.select({ username: users.username }).from(users)).map((u) => u.username).sort();
    expect(names).toEqual(['leia', 'luke']);
    expect(events).toContain('A sees outside: 0');
    if (dialect === 'sqlite') {
      // one writer: B starts only after A has finished
      expect(events).toEqual(['A begin', 'A sees outside: 0', 'A fail', 'B begin', 'B commit']);
    }
  });

  it('returns the callback value and commits what it wrote', async () => {
    const db = await open();
    const { users } = db.tables;
    const created = await db.transaction(async (tx) => (await tx.insert(users).values(user('yoda')).returning())[0]);
    expect(created.id).toBeGreaterThan(0);
    expect(created.created_at).toBeInstanceOf(Date);
    const [row] = await db.db.select().from(users).where(eq(users.id, created.id));
    expect(row.username).toBe('yoda');
    expect(row.is_active).toBe(true);
  });
});
