// GET /api/users/me/export of a learner with 100,000 attempts (inserted in bulk) arrives in chunks,
// page by page, while the process's live heap stays far below the document's size: the export is
// written as it is read, never built whole. The heap is measured after a forced collection, so
// garbage waiting for the collector does not count.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPORT_PAGE_ROWS } from '../../src/domain/accounts/export.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { execSql } from '../ops/fixtures.js';

const ATTEMPTS = 100_000;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const liveHeap = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

describeEachDialect('export of a learner with 100,000 attempts', (dialect) => {
  let ctx: TestContext;
  let learner: TestUser;

  beforeAll(async () => {
    ctx = await buildTestApp(dialect);
    learner = await createUser(ctx, 'padawan');
    const postgres = dialect !== 'sqlite';
    // one statement each: generate_series on PostgreSQL, a recursive CTE on SQLite
    const numbers = postgres ? `generate_series(1, ${ATTEMPTS}) as n(i)` : 'n';
    const prefix = postgres ? '' : `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${ATTEMPTS}) `;
    await execSql(ctx.url, [
      `insert into exercises (title, exercise_type, difficulty, question, correct_answer) values ('Kessel', 'addition', 'initie', '12 + 30 ?', '42')`,
      `${prefix}insert into attempts (user_id, exercise_id, user_answer, is_correct, time_spent, device_info)
         select ${learner.id}, (select max(id) from exercises), 'réponse numéro ' || i, ${postgres ? 'i % 2 = 0' : 'i % 2 = 0'}, i % 60, 'le datapad de ce padawan, modèle ' || (i % 7) from ${numbers}`,
    ]);
  }, 120_000);
  afterAll(() => ctx?.close());

  it('streams the document in pages with a bounded live heap', async () => {
    const baseline = liveHeap();
    const res = await ctx.app.inject({ method: 'GET', url: '/api/users/me/export', headers: learner.headers, payloadAsStream: true });
    expect(res.statusCode).toBe(200);

    let chunks = 0;
    let bytes = 0;
    let attempts = 0;
    let peak = 0;
    let tail = '';
    for await (const chunk of res.stream()) {
      const text = (chunk as Buffer).toString('utf8');
      chunks++;
      bytes += chunk.length;
      attempts += text.split('"user_answer":"réponse numéro ').length - 1;
      tail = (tail + text).slice(-16);
      if (chunks % 25 === 0) peak = Math.max(peak, liveHeap() - baseline);
    }
    expect(attempts).toBe(ATTEMPTS);
    expect(tail.endsWith('"legacy":{}}')).toBe(true);
    expect(chunks).toBeGreaterThanOrEqual(ATTEMPTS / EXPORT_PAGE_ROWS);
    expect(bytes).toBeGreaterThan(20 * 1024 * 1024);
    // a document built whole would hold more than its own size (the rows as objects, then the text)
    expect(peak, `live heap grew by ${(peak / 1048576).toFixed(1)} MB for a ${(bytes / 1048576).toFixed(1)} MB export`).toBeLessThan(bytes / 5);
  }, 300_000);
});
