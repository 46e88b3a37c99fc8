// The dashboard's history: the API process captures a snapshot every DASHBOARD_SNAPSHOT_MINUTES
// when set (and stops with the app), and it stays bounded: each capture prunes snapshots older
// than SNAPSHOT_RETENTION_DAYS and keeps at most MAX_SNAPSHOTS, the newest.
import { asc, count, desc } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { captureSnapshot, listSnapshots, MAX_SNAPSHOTS, SNAPSHOT_RETENTION_DAYS } from '../../src/ops/dashboard/snapshots.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';

const DAY = 86_400_000;
const data = { database_bytes: 1, relations: {}, statements: null, activity: { attempts: 0, users: 0, active_24h: 0 } };

describeEachDialect('dashboard snapshots: bounded retention', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
  });
  afterAll(async () => ctx?.close());

  const table = () => ctx.database.tables.dashboardSnapshots;
  const total = async () => Number((await ctx.database.db.select({ n: count() }).from(table()))[0].n);
  const insert = (rows: { created_at: Date; source: string }[]) =>
    ctx.database.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 500) await tx.insert(table()).values(rows.slice(i, i + 500).map((r) => ({ ...r, data })));
    });

  it(`a capture drops the snapshots older than ${SNAPSHOT_RETENTION_DAYS} days and keeps the younger ones`, async () => {
    const now = Date.now();
    await insert([
      { created_at: new Date(now - (SNAPSHOT_RETENTION_DAYS + 1) * DAY), source: 'too-old' },
      { created_at: new Date(now - (SNAPSHOT_RETENTION_DAYS - 1) * DAY), source: 'kept' },
    ]);
    const captured = await captureSnapshot(ctx.database, 'manual');
    const rows = await ctx.database.db.select({ source: table().source }).from(table()).orderBy(asc(table().id));
    expect(rows.map((r) => r.source)).toEqual(['kept', 'manual']);
    expect(captured.data.relations.dashboard_snapshots).toBeGreaterThan(0);
    // the pages read a period: the 89-day-old one is outside 30 days, inside 90
    expect((await listSnapshots(ctx.database, 30)).map((s) => s.source)).toEqual(['manual']);
    expect((await listSnapshots(ctx.database, SNAPSHOT_RETENTION_DAYS)).map((s) => s.source)).toEqual(['kept', 'manual']);
  });

  it(`a capture keeps at most ${MAX_SNAPSHOTS} snapshots, the newest`, async () => {
    const before = await total();
    const recent = new Date(Date.now() - DAY);
    await insert(Array.from({ length: MAX_SNAPSHOTS - before }, () => ({ created_at: recent, source: 'filler' })));
    expect(await total()).toBe(MAX_SNAPSHOTS);
    const [oldest] = await ctx.database.db.select({ id: table().id }).from(table()).orderBy(asc(table().id)).limit(1);

    const captured = await captureSnapshot(ctx.database, 'manual');
    expect(await total()).toBe(MAX_SNAPSHOTS);
    const [first] = await ctx.database.db.select({ id: table().id }).from(table()).orderBy(asc(table().id)).limit(1);
    expect(first.id).toBe(oldest.id + 1);
    const [last] = await ctx.database.db.select({ id: table().id }).from(table()).orderBy(desc(table().id)).limit(1);
    expect(last.id).toBe(captured.id);
  }, 60_000);
});

describeEachDialect('dashboard snapshots: the in-process interval', (dialect) => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('DASHBOARD_SNAPSHOT_MINUTES=5: a snapshot every 5 minutes, none once the app is closed; 0 (the default): none', async () => {
    // only the interval's clock is faked: the database drivers keep their real timers
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const ctx = await buildTestApp(dialect, { DASHBOARD_SNAPSHOT_MINUTES: '5' });
    const off = await buildTestApp(dialect);
    const open = new Set([ctx, off]);
    const close = async (c: TestContext) => {
      open.delete(c);
      await c.close();
    };
    try {
      const interval = async (c: TestContext) => (await listSnapshots(c.database, 1)).filter((s) => s.source === 'interval').length;
      vi.advanceTimersByTime(4 * 60_000);
      expect(await interval(ctx)).toBe(0);
      vi.advanceTimersByTime(60_000);
      await vi.waitFor(async () => expect(await interval(ctx)).toBe(1), { timeout: 10_000 });
      vi.advanceTimersByTime(5 * 60_000);
      await vi.waitFor(async () => expect(await interval(ctx)).toBe(2), { timeout: 10_000 });
      expect(await interval(off)).toBe(0);

      // closing stops it: the app with the interval leaves one faked interval fewer than the app without
      const beforeOff = vi.getTimerCount();
      await close(off);
      const offCleared = beforeOff - vi.getTimerCount();
      const beforeOn = vi.getTimerCount();
      await close(ctx);
      expect(beforeOn - vi.getTimerCount()).toBe(offCleared + 1);
    } finally {
      for (const c of open) await c.close();
    }
  }, 60_000);
});
