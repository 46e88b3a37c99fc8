// The /admin page in a real browser: Debian's chromium driven by playwright-core, headless.
// Signs in as an archiviste through the page's form, opens every page, checks its content, and
// saves screenshots under .tmp/. Mandatory when CI=true (.ci/browser.sh installs chromium);
// otherwise skipped visibly when no chromium is found. CHROMIUM_PATH overrides the default path.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureSnapshot } from '../../src/ops/dashboard/snapshots.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { createUser, TEST_PASSWORD, type TestUser } from '../helpers/users.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const SHOTS = path.resolve('.tmp/screenshots');
if (process.env.CI === 'true' && !CHROMIUM) throw new Error('CI=true but no chromium: run .ci/browser.sh or set CHROMIUM_PATH');
const run = CHROMIUM ? describe : describe.skip;

const PAGES: [string, RegExp][] = [
  ['overview', /Database reachable[\s\S]*Pending migrations[\s\S]*Duplicate indexes[\s\S]*Last maintenance run/],
  ['queries', /SQLite records no query statistics|By total time/],
  ['space', /Tables[\s\S]*attempts[\s\S]*Indexes/],
  ['connections', /Pool:/],
  ['maintenance', /Optimize[\s\S]*Backup[\s\S]*Last backup/],
  ['learning', /Active learners: 1 today[\s\S]*addition[\s\S]*100 %/],
];

run('admin page in chromium', () => {
  let ctx: TestContext;
  let browser: Browser;
  let baseUrl: string;
  let archiviste: TestUser;

  beforeAll(async () => {
    ctx = await buildTestApp('sqlite', { BACKUP_DIR: fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'mathakine-browser-')) });
    archiviste = await createUser(ctx, 'archiviste', 'dashboard_admin');
    const { exercises, attempts } = ctx.database.tables;
    await ctx.database.transaction(async (tx) => {
      const [e] = await tx.insert(exercises).values({ title: 'a', exercise_type: 'addition', difficulty: 'initie', question: '1+1', correct_answer: '2' }).returning();
      await tx.insert(attempts).values({ user_id: archiviste.id, exercise_id: e.id, user_answer: '2', is_correct: true });
    });
    await captureSnapshot(ctx.database, 'maintenance');
    baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it('signs in, opens every page with no CSP violation, and saves screenshots', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    // the wrong password's 401 is expected; anything else (a CSP violation, a script error) is not
    page.on('console', (m) => m.type() === 'error' && !/status of 401/.test(m.text()) && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${baseUrl}/admin`);
    expect(await page.locator('#page').isHidden()).toBe(true);
    await page.fill('input[name=username]', archiviste.username);
    await page.fill('input[name=password]', 'wrong password');
    await page.click('#login-form button');
    await page.waitForFunction(() => document.getElementById('signin-error')?.textContent !== '');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('#login-form button');

    for (const [name, content] of PAGES) {
      await page.goto(`${baseUrl}/admin#${name}`);
      await page.waitForSelector(`#page[data-loaded="${name}"]`, { timeout: 10_000 });
      expect(await page.locator('#page').innerText(), name).toMatch(content);
      if (['space', 'learning'].includes(name)) await page.waitForSelector('#page .uplot', { timeout: 5_000 });
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
      await page.evaluate(() => document.getElementById('page')?.removeAttribute('data-loaded'));
    }
    // the Backup button runs a real backup and shows what it did
    await page.goto(`${baseUrl}/admin#maintenance`);
    await page.waitForSelector('#page[data-loaded="maintenance"]');
    await page.click('text=Backup');
    await page.waitForFunction(() => /verified|integrity|ok/i.test(document.getElementById('action-result')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'maintenance-backup.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 90_000);
});
