// The dashboard's history stays bounded: each capture prunes snapshots older than
// SNAPSHOT_RETENTION_DAYS and keeps at most MAX_SNAPSHOTS, the newest.
import { asc, count, desc } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
