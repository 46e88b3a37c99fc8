// The /admin page in a real browser, on both dialects: Debian's chromium driven by playwright-core,
// headless. Signs in as an archiviste through the page's form, opens every page, checks its
// content and charts, presses its buttons (backup; on PostgreSQL enabling pg_stat_statements and
// terminating the backend that holds a lock, confirmed in the page's dialog), and saves
// screenshots under .tmp/screenshots/<dialect>/. Mandatory when CI=true (.ci/browser.sh installs
// chromium); otherwise skipped visibly when no chromium is found. CHROMIUM_PATH overrides the path.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/db/client.js';
import { captureSnapshot } from '../../src/ops/dashboard/snapshots.js';
import { buildTestApp, describeEachDialect, type TestContext } from '../helpers/app.js';
import { insertActivity } from '../helpers/attempts.js';
import { holdExercisesLock } from '../helpers/locks.js';
import { createUser, TEST_PASSWORD, type TestUser } from '../helpers/users.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
if (process.env.CI === 'true' && !CHROMIUM) throw new Error('CI=true but no chromium: run .ci/browser.sh or set CHROMIUM_PATH');
const describeInBrowser = (name: string, suite: (dialect: Dialect) => void) =>
  CHROMIUM ? describeEachDialect(name, suite) : describe.skip(`${name} (no chromium: run .ci/browser.sh)`, () => suite('sqlite'));

// what each page must show, whatever the dialect
const PAGES: [string, RegExp][] = [
  ['overview', /Database reachable[\s\S]*Pending migrations[\s\S]*Duplicate indexes[\s\S]*Last maintenance run/],
  ['queries', /SQLite records no query statistics|pg_stat_statements/],
  ['space', /Tables[\s\S]*attempts[\s\S]*Indexes/],
  ['connections', /Pool:/],
  ['maintenance', /Optimize[\s\S]*Backup[\s\S]*Last backup/],
  [
    'learning',
    /Active learners: 1 today[\s\S]*Success rate by type and difficulty[\s\S]*addition\s+initie\s+1\s+1\s+100 %[\s\S]*addition\s+padawan\s+2\s+1\s+50 %[\s\S]*multiplication\s+chevalier\s+1\s+0\s+0 %/,
  ],
];

describeInBrowser('admin page in chromium', (dialect) => {
  let ctx: TestContext;
  let browser: Browser;
  let baseUrl: string;
  let archiviste: TestUser;
  const shots = path.resolve('.tmp/screenshots', dialect);
  const problems: string[] = [];

  async function open(page: Page, name: string) {
    await page.goto(`${baseUrl}/admin#${name}`);
    await page.waitForSelector(`#page[data-loaded="${name}"]`, { timeout: 10_000 });
  }
  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  async function newPage() {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // the wrong password's 401 is expected; anything else (a CSP violation, a script error) is not
    page.on('console', (m) => m.type() === 'error' && !/status of 401/.test(m.text()) && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    return page;
  }
  async function signIn(page: Page) {
    await page.goto(`${baseUrl}/admin`);
    await page.fill('input[name=username]', archiviste.username);
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.waitForSelector('#page[data-loaded="overview"]');
  }

  beforeAll(async () => {
    ctx = await buildTestApp(dialect, { BACKUP_DIR: fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'mathakine-browser-')) });
    archiviste = await createUser(ctx, 'archiviste', 'dashboard_admin');
    await insertActivity(ctx, [
      { user_id: archiviste.id, exercise_type: 'addition', difficulty: 'initie', answers: [true] },
      { user_id: archiviste.id, exercise_type: 'addition', difficulty: 'padawan', answers: [true, false] },
      { user_id: archiviste.id, exercise_type: 'multiplication', difficulty: 'chevalier', answers: [false] },
    ]);
    await captureSnapshot(ctx.database, 'maintenance');
    baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    fs.mkdirSync(shots, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it('signs in, opens every page with no CSP violation, draws the charts, and saves screenshots', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/admin`);
    expect(await page.locator('#page').isHidden()).toBe(true);
    await page.fill('input[name=username]', archiviste.username);
    await page.fill('input[name=password]', 'wrong password');
    await page.click('#login-form button');
    await page.waitForFunction(() => document.getElementById('signin-error')?.textContent !== '');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('#login-form button');

    for (const [name, content] of PAGES) {
      await open(page, name);
      expect(await page.locator('#page').innerText(), name).toMatch(content);
      if (name === 'space') {
        // database size and the largest tables over time, from the snapshot
        await page.waitForFunction(() => document.querySelectorAll('#page .uplot').length === 2, undefined, { timeout: 5_000 });
        expect(await page.locator('#page .uplot').nth(1).locator('.u-legend').innerText()).toMatch(/attempts|users|exercises/);
        expect(await page.locator('#page').innerText()).toMatch(/Growth \(30 days\)/);
      }
      if (name === 'learning') {
        // attempts per day, active learners, and the success rate as bars: one per type × difficulty
        await page.waitForSelector('#success-chart[data-bars="3"]', { timeout: 5_000 });
        expect(await page.locator('#page .uplot').count()).toBe(3);
        expect(await page.locator('#success-chart .u-legend').innerText()).toMatch(/initie[\s\S]*padawan[\s\S]*chevalier/);
      }
      await shoot(page, name);
    }
    // the Backup button runs a real backup and shows what it did
    await open(page, 'maintenance');
    await page.click('text=Backup');
    await page.waitForFunction(() => /verified|integrity|ok/i.test(document.getElementById('action-result')?.textContent ?? ''), undefined, {
      timeout: 15_000,
    });
    await shoot(page, 'maintenance-backup');
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it.runIf(dialect === 'postgres')(
    'queries: the Enable button creates pg_stat_statements, then the statements show',
    async () => {
      const page = await newPage();
      await signIn(page);
      await open(page, 'queries');
      // the server must preload the extension (.ci/run does, once, with a restart)
      expect(await page.locator('#page').innerText(), 'pg_stat_statements must be preloaded: see .ci/run').toMatch(/not created in this database/);
      await page.evaluate(() => document.getElementById('page')?.removeAttribute('data-loaded'));
      await page.click('text=Enable pg_stat_statements');
      await page.waitForSelector('#page[data-loaded="queries"]');
      expect(await page.locator('#page').innerText()).toMatch(/By total time[\s\S]*By mean time/);
      await shoot(page, 'queries-enabled');
      expect(problems).toEqual([]);
      await page.close();
    },
    60_000,
  );

  it.runIf(dialect === 'postgres')(
    'connections: a real lock shows who blocks whom; terminate, confirmed in the dialog, frees the waiter',
    async () => {
      const { holder, holderPid, waiterPid, blocked, end } = await holdExercisesLock(ctx.url, 'browser-lock');
      try {
        const page = await newPage();
        await signIn(page);
        for (let tries = 0; ; tries++) {
          await open(page, 'connections');
          const text = await page.locator('#page').innerText();
          if (text.includes(`pid ${holderPid} (idle in transaction`)) break;
          if (tries > 20) throw new Error(`the lock never showed:\n${text}`);
          await page.evaluate(() => document.getElementById('page')?.removeAttribute('data-loaded'));
          await new Promise((r) => setTimeout(r, 200));
        }
        const lockRow = page
          .locator('table')
          .first()
          .locator('tbody tr')
          .filter({ hasText: `pid ${holderPid}` });
        expect(await lockRow.innerText()).toMatch(
          new RegExp(`^${waiterPid}\\b[\\s\\S]*AccessShareLock on exercises[\\s\\S]*select count\\(\\*\\) from exercises`),
        );
        await shoot(page, 'connections-lock');

        // first refused in the dialog (nothing happens), then accepted
        page.once('dialog', (dialog) => void dialog.dismiss());
        await lockRow.locator('button', { hasText: 'terminate' }).click();
        expect((await holder.query('select 1 as alive')).rows[0].alive).toBe(1);
        page.once('dialog', (dialog) => {
          expect(dialog.message()).toBe(`terminate backend ${holderPid}?`);
          void dialog.accept();
        });
        await page.evaluate(() => document.getElementById('page')?.removeAttribute('data-loaded'));
        await lockRow.locator('button', { hasText: 'terminate' }).click();
        expect((await blocked).rows[0].count).toBe('3');
        await page.waitForSelector('#page[data-loaded="connections"]');
        expect(await page.locator('#page').innerText()).toMatch(/No query is waiting for a lock/);
        expect(problems).toEqual([]);
        await page.close();
      } finally {
        await end();
      }
    },
    60_000,
  );
});
