// `npm run bench:metrics`: what a Prometheus scrape of /metrics costs the API process, in CPU time
// (process.cpuUsage: user + system), not wall time, so a machine busy with other work does not
// skew it. An app on a seeded database answers traffic on many routes first (so the histograms
// hold realistic series), then is scraped. The judged checks are cached for CHECKS_MAX_AGE_MS
// (60 s): at one scrape per 15 s, one scrape in four re-runs them; both kinds are measured.
//
//   npx tsx bench/metrics-scrape.ts [--dialect sqlite|postgres] [--scrapes 40]
//
// PostgreSQL's own CPU for the checks' catalogue queries is the server's, not counted here.
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { openConfiguredDatabase } from '../src/db/configured.js';
import { runChecks } from '../src/ops/health/checks.js';
import { CHECKS_MAX_AGE_MS } from '../src/modules/admin/metrics.js';
import { JWT_SECRET, median, prepareDatabase } from './harness.js';

const { values: args } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, scrapes: { type: 'string', default: '40' } } });
const dialect = args.dialect === 'postgres' ? 'postgres' : 'sqlite';
const SCRAPES = Number(args.scrapes);
const SCRAPE_INTERVAL_MS = 15_000;
const METRICS_TOKEN = 'bench-metrics-token-0123456789abcdef';

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const bench = await prepareDatabase(dialect);
const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: bench.url, JWT_SECRET, SEED_ON_START: 'false', METRICS_TOKEN, RATE_LIMIT_PER_MINUTE: '1000000' });
const app = await buildApp({ config, database: openConfiguredDatabase(config) });
await app.ready();
try {
  // traffic on a dozen route patterns and status codes, as a live instance would have seen
  for (let i = 0; i < 300; i++) {
    const learner = bench.learners[i % bench.learners.length];
    const headers = { authorization: `Bearer ${learner.token}` };
    const exercise = bench.exercises[i % bench.exercises.length];
    await app.inject({ method: 'GET', url: `/api/exercises/${exercise.id}`, headers });
    await app.inject({ method: 'GET', url: '/api/exercises?limit=20', headers });
    await app.inject({ method: 'GET', url: '/api/users/me', headers });
    await app.inject({ method: 'GET', url: '/api/exercises/999999999', headers });
    await app.inject({ method: 'GET', url: '/api/nowhere' });
    await app.inject({ method: 'GET', url: '/admin/health' });
  }
  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}: ${res.body}`);
    return res.body;
  };
  const body = await scrape(); // fills the checks' cache
  const cached: number[] = [];
  for (let i = 0; i < SCRAPES; i++) {
    const start = process.cpuUsage();
    await scrape();
    cached.push(cpuMs(start));
  }
  const judged: number[] = [];
  const options = { timeoutMs: config.HEALTH_TIMEOUT_MS, backupDir: config.BACKUP_DIR, only: (c: { scansTables?: true }) => !c.scansTables };
  for (let i = 0; i < Math.max(5, SCRAPES / 4); i++) {
    const start = process.cpuUsage();
    await runChecks(app.database, options);
    judged.push(cpuMs(start));
  }
  const scrapesPerCheck = CHECKS_MAX_AGE_MS / SCRAPE_INTERVAL_MS;
  const perScrapeMs = median(cached) + median(judged) / scrapesPerCheck;
  const shareOfCore = perScrapeMs / SCRAPE_INTERVAL_MS;
  console.log(
    [
      `${dialect}: /metrics answer ${(Buffer.byteLength(body) / 1024).toFixed(1)} kB, ${body.split('\n').filter((l) => l && !l.startsWith('#')).length} samples`,
      `  scrape with the checks cached: median ${median(cached).toFixed(2)} ms CPU (max ${Math.max(...cached).toFixed(2)})`,
      `  judging the checks (every ${CHECKS_MAX_AGE_MS / 1000} s): median ${median(judged).toFixed(2)} ms CPU`,
      `  one scrape per ${SCRAPE_INTERVAL_MS / 1000} s: ${perScrapeMs.toFixed(2)} ms CPU per scrape = ${(shareOfCore * 100).toFixed(3)} % of a core (budget 1 %)`,
    ].join('\n'),
  );
} finally {
  await app.close();
  await bench.drop();
}
