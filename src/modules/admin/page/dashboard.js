// The /admin dashboard: signs in (an archiviste through /api/auth/login, or the ADMIN_TOKEN),
// then renders each page from /admin/dashboard/*. DOM built with textContent only; charts by uPlot.
'use strict';
(() => {
  const PAGES = ['overview', 'queries', 'space', 'connections', 'maintenance', 'learning'];
  const DIFFICULTY_RANK = ['initie', 'padawan', 'chevalier', 'maitre', 'grand_maitre'];
  const TITLES = {
    overview: 'Overview',
    queries: 'Queries',
    space: 'Space',
    connections: 'Connections',
    maintenance: 'Maintenance',
    learning: 'Learning activity',
  };
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem('mathakine-admin-token');

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return node;
  };
  const bytes = (n) => {
    if (n == null) return '–';
    const u = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) {
      n /= 1024;
      i++;
    }
    return `${i ? n.toFixed(1) : n} ${u[i]}`;
  };
  const signedBytes = (n) => (n == null ? '–' : n < 0 ? `−${bytes(-n)}` : `+${bytes(n)}`);
  const ms = (n) => (n == null ? '–' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);
  const when = (d) => (d ? new Date(d).toLocaleString() : 'never');
  const light = (s) => el('span', { class: `light light-${s === 'n/a' ? 'na' : s}` }, s);
  const table = (headers, rows) =>
    el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          headers.map((h) => el('th', {}, h)),
        ),
      ),
      el(
        'tbody',
        {},
        rows.map((r) =>
          el(
            'tr',
            {},
            r.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : el('td', {}, c))),
          ),
        ),
      ),
    );
  // long statements (CREATE TABLE…) fold: the first 240 characters, the whole text one click away
  const queryCell = (q) => el('td', { class: 'query' }, q.length <= 240 ? q : el('details', {}, el('summary', {}, `${q.slice(0, 240)}…`), q));
  const notes = (list) => (list || []).map((n) => el('p', { class: 'note' }, n));

  async function api(method, url, body) {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status === 401 || res.status === 403) {
      signOut(res.status === 403 ? 'This account is not an archiviste.' : 'Please sign in again.');
      throw new Error('unauthorized');
    }
    const json = await res.json();
    if (!res.ok) throw new Error(json.error ? json.error.message : res.statusText);
    return json;
  }

  const NO_ATTEMPTS = 'No attempt in this period.';
  const NO_HISTORY = 'No data yet: history comes from snapshots (`db maintenance` or DASHBOARD_SNAPSHOT_MINUTES).';
  const chartWidth = (half) => (half ? Math.min(560, (window.innerWidth - 90) / 2) : Math.min(900, window.innerWidth - 60));
  // A time chart. `days`: the x axis spans that period up to now (one snapshot is a point, not years);
  // `format`: how the y axis and the legend write values (bytes…).
  function chart(title, labels, series, xs, { half = false, empty = NO_HISTORY, days = null, format = null } = {}) {
    const box = el('div', { class: 'chart' }, el('h3', {}, title));
    if (!window.uPlot || xs.length === 0) {
      box.append(el('p', { class: 'note' }, empty));
      return box;
    }
    const now = Date.now() / 1000;
    const opts = {
      width: chartWidth(half),
      height: 220,
      scales: days ? { x: { time: true, range: () => [now - days * 86400, now] } } : {},
      axes: [{}, format ? { size: 70, values: (_u, splits) => splits.map(format) } : {}],
      series: [
        {},
        ...labels.map((label, i) => ({
          label,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          points: { show: xs.length < 40 },
          ...(format ? { value: (_u, v) => (v == null ? '–' : format(v)) } : {}),
        })),
      ],
    };
    requestAnimationFrame(() => new window.uPlot(opts, [xs, ...series], box));
    return box;
  }
  const epoch = (d) => new Date(d).getTime() / 1000;
  const COLORS = ['#3367d6', '#e8710a', '#1e8e3e', '#c5221f', '#8e24aa', '#00838f'];

  // Grouped bars: one group per category, one bar per series in it. uPlot shares one x array, so
  // each bar gets its own x (the group's index, offset by the series' rank); other series are null there.
  function barChart(id, title, categories, seriesLabels, value, unit) {
    const box = el('div', { class: 'chart', id }, el('h3', {}, title));
    if (!window.uPlot || categories.length === 0) {
      box.append(el('p', { class: 'note' }, NO_ATTEMPTS));
      return box;
    }
    const width = 0.8 / seriesLabels.length;
    const drawn = new Set(); // the bars uPlot drew, counted in data-bars (the browser test reads it)
    const xs = [];
    const ys = seriesLabels.map(() => []);
    categories.forEach((category, c) =>
      seriesLabels.forEach((label, s) => {
        const v = value(category, label);
        if (v == null) return;
        xs.push(c + (s - (seriesLabels.length - 1) / 2) * width);
        ys.forEach((list, i) => list.push(i === s ? v : null));
      }),
    );
    const opts = {
      width: Math.min(900, window.innerWidth - 60),
      height: 240,
      scales: { x: { time: false, range: [-0.5, categories.length - 0.5] }, y: { range: [0, 100] } },
      axes: [
        { splits: () => categories.map((_, i) => i), values: (_u, splits) => splits.map((i) => categories[i] ?? '') },
        { values: (_u, splits) => splits.map((v) => `${v}${unit}`) },
      ],
      series: [
        { label: 'type', value: (_u, x) => (x == null ? '' : (categories[Math.round(x)] ?? '')) },
        ...seriesLabels.map((label, i) => ({
          label,
          fill: COLORS[i % COLORS.length],
          stroke: COLORS[i % COLORS.length],
          points: { show: false },
          paths: window.uPlot.paths.bars({
            size: [0.9, 60],
            align: 0,
            each: (_u, series, index) => {
              drawn.add(`${series}:${index}`);
              box.dataset.bars = drawn.size;
            },
          }),
          value: (_u, v) => (v == null ? '–' : `${Math.round(v)}${unit}`),
        })),
      ],
    };
    requestAnimationFrame(() => new window.uPlot(opts, [xs, ...ys], box));
    return box;
  }

  const renderers = {
    async overview() {
      const data = await api('GET', '/admin/dashboard/overview');
      return [
        el('p', {}, 'Overall: ', light(data.status), ` (${data.dialect})`),
        table(
          ['Check', 'Status', 'Reason', 'What to do'],
          data.checks.map((c) => [el('td', { 'data-check': c.id }, c.label), el('td', {}, light(c.status)), c.reason, c.action || '']),
        ),
      ];
    },
    async queries() {
      const data = await api('GET', '/admin/dashboard/queries');
      const out = [];
      if (!data.available) {
        out.push(el('p', { class: 'note' }, data.message));
        if (data.dialect === 'postgres')
          out.push(
            el(
              'button',
              {
                onclick: async () => {
                  await api('POST', '/admin/dashboard/queries/enable');
                  show('queries');
                },
              },
              'Enable pg_stat_statements',
            ),
          );
      }
      const rows = (list) => list.map((q) => [queryCell(q.query), q.calls, ms(q.total_ms), el('td', {}, ms(q.mean_ms), q.slow ? ' ⚠ slow' : ''), q.rows]);
      const at = data.history.map((h) => epoch(h.at));
      out.push(
        el(
          'div',
          { class: 'charts' },
          chart('Time spent in queries between snapshots', ['total'], [data.history.map((h) => h.total_ms)], at, { days: 30, half: true, format: ms }),
          chart('Calls between snapshots', ['calls'], [data.history.map((h) => h.calls)], at, { days: 30, half: true }),
        ),
      );
      if (data.available) {
        out.push(el('h3', {}, 'By total time'), table(['Query', 'Calls', 'Total', 'Mean', 'Rows'], rows(data.by_total)));
        out.push(el('h3', {}, 'By mean time (slow: mean > 1 s)'), table(['Query', 'Calls', 'Total', 'Mean', 'Rows'], rows(data.by_mean)));
      }
      return out;
    },
    async space() {
      const days = 30;
      const data = await api('GET', `/admin/dashboard/space?days=${days}`);
      const at = data.history.map((h) => epoch(h.at));
      const largest = data.tables.slice(0, 5); // the API sorts them by size
      return [
        el('p', {}, `Database: ${bytes(data.database_bytes)}`, data.wal_bytes != null ? `, WAL ${bytes(data.wal_bytes)}` : ''),
        el(
          'div',
          { class: 'charts' },
          chart('Database size over time', ['size'], [data.history.map((h) => h.database_bytes)], at, { half: true, days, format: bytes }),
          chart(
            'Largest tables over time',
            largest.map((t) => t.name),
            largest.map((t) => data.history.map((h) => h.relations[t.name] ?? null)),
            at,
            { half: true, days, format: bytes },
          ),
        ),
        el('h3', {}, 'Tables'),
        table(
          ['Table', 'Rows', 'Total', 'Data', 'Indexes', `Growth (${days} days)`],
          data.tables.map((t) => [t.name, t.rows, bytes(t.bytes), bytes(t.table_bytes), bytes(t.index_bytes), signedBytes(t.growth_bytes)]),
        ),
        el('h3', {}, 'Indexes'),
        table(
          ['Index', 'Table', 'Size'],
          data.indexes.map((i) => [i.name, i.table, bytes(i.bytes)]),
        ),
        ...notes(data.notes),
      ];
    },
    async connections() {
      const data = await api('GET', '/admin/dashboard/connections');
      const out = [
        el(
          'p',
          { 'data-check': data.check.id },
          light(data.check.status),
          ' ',
          data.max_connections != null ? `${data.connections} of ${data.max_connections} connections. ` : '',
          `Pool: ${data.pool.total - data.pool.idle}/${data.pool.max} in use, ${data.pool.waiting} waiting.`,
          data.check.action ? ` ${data.check.action}` : '',
        ),
      ];
      if (data.sqlite_write_lock)
        out.push(el('p', { id: 'write-lock' }, 'Write lock: ', light(data.sqlite_write_lock.held ? 'amber' : 'green'), ' ', data.sqlite_write_lock.detail));
      const act = (pid, action) =>
        el(
          'button',
          {
            onclick: async () => {
              if (!window.confirm(`${action} backend ${pid}?`)) return;
              await api('POST', `/admin/dashboard/connections/${pid}/${action}`, { confirm: true });
              show('connections');
            },
          },
          action,
        );
      if (data.dialect === 'postgres') {
        out.push(el('h3', {}, 'Locks: who blocks whom'));
        out.push(
          data.locks.length
            ? table(
                ['Blocked pid', 'Waiting', 'Wants', 'Query', 'Blocked by'],
                data.locks.map((l) => [
                  l.pid,
                  ms(l.waiting_ms),
                  l.lock || '',
                  queryCell(l.query),
                  el(
                    'td',
                    {},
                    l.blocked_by.map((b) =>
                      el(
                        'div',
                        {},
                        `pid ${b.pid} (${b.state || '?'}, transaction ${ms(b.xact_ms)}): ${b.query} `,
                        act(b.pid, 'cancel'),
                        act(b.pid, 'terminate'),
                      ),
                    ),
                  ),
                ]),
              )
            : el('p', { class: 'note' }, 'No query is waiting for a lock.'),
        );
        out.push(
          el('h3', {}, 'Live queries'),
          table(
            ['Pid', 'State', 'Wait', 'Running for', 'Query', 'Application', ''],
            data.queries.map((q) => [
              q.pid,
              q.state || '',
              q.wait_event || '',
              ms(q.duration_ms),
              queryCell(q.query),
              q.application || '',
              el('td', {}, act(q.pid, 'cancel'), act(q.pid, 'terminate')),
            ]),
          ),
        );
        out.push(
          el('h3', {}, 'By state'),
          table(
            ['State', 'Connections'],
            data.by_state.map((s) => [s.state, s.connections]),
          ),
        );
      }
      return [...out, ...notes(data.notes)];
    },
    async maintenance() {
      const data = await api('GET', '/admin/dashboard/maintenance');
      const result = el('pre', { id: 'action-result' });
      const run = (label, url) =>
        el(
          'button',
          {
            onclick: async (e) => {
              e.target.disabled = true;
              result.textContent = `${label}…`;
              try {
                const r = await api('POST', url);
                result.textContent = (r.steps || [r])
                  .map((s) => `${s.name || s.file}: ${s.status || s.verification || ''} ${s.detail || ''} (${ms(s.duration_ms)})`)
                  .join('\n');
              } catch (err) {
                result.textContent = String(err.message);
              }
              e.target.disabled = false;
            },
          },
          label,
        );
      const out = [
        el('p', {}, run('Optimize', '/admin/optimize'), ' ', run('Backup', '/admin/dashboard/backup')),
        result,
        el(
          'p',
          {},
          `Last backup: ${data.last_backup ? `${when(data.last_backup.at)} (${bytes(data.last_backup.bytes)})` : 'none'}. Last maintenance run: ${when(data.last_maintenance)}.`,
        ),
      ];
      if (data.integrity)
        out.push(el('p', {}, 'Integrity check: ', light(data.integrity.ok ? 'green' : 'red'), ` ${data.integrity.detail}; ${data.freelist_pages} free pages.`));
      if (data.tables.length)
        out.push(
          table(
            ['Table', 'Live rows', 'Dead rows', 'Last vacuum', 'Last autovacuum', 'Last analyze', 'Last autoanalyze'],
            data.tables.map((t) => [
              t.name,
              t.live_rows,
              t.dead_rows,
              when(t.last_vacuum),
              when(t.last_autovacuum),
              when(t.last_analyze),
              when(t.last_autoanalyze),
            ]),
          ),
        );
      return [...out, ...notes(data.notes)];
    },
    async learning() {
      const data = await api('GET', '/admin/dashboard/learning');
      const a = data.active_learners;
      // every day of the period, 0 where the API lists none (it leaves out days without attempts or badges)
      const byDay = new Map(data.per_day.map((d) => [d.day, d]));
      const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
      const period = Array.from({ length: data.days }, (_, i) => new Date(today - (data.days - 1 - i) * 86400000).toISOString().slice(0, 10)).map(
        (day) => byDay.get(day) || { day, attempts: 0, correct: 0, learners: 0, badges: 0 },
      );
      const days = period.map((d) => epoch(`${d.day}T00:00:00Z`));
      const types = [...new Set(data.by_type.map((t) => t.exercise_type))];
      const difficulties = [...new Set(data.by_type.map((t) => t.difficulty))].sort((x, y) => DIFFICULTY_RANK.indexOf(x) - DIFFICULTY_RANK.indexOf(y));
      const rate = (type, difficulty) => {
        const row = data.by_type.find((t) => t.exercise_type === type && t.difficulty === difficulty);
        return row ? row.success_rate * 100 : null;
      };
      return [
        el('p', {}, `Active learners: ${a.last_day} today, ${a.last_week} this week, ${a.period} in ${data.days} days.`),
        el(
          'div',
          { class: 'charts' },
          chart('Attempts per day', ['attempts', 'correct'], [period.map((d) => d.attempts), period.map((d) => d.correct)], data.per_day.length ? days : [], {
            half: true,
            empty: NO_ATTEMPTS,
          }),
          chart('Active learners per day', ['learners'], [period.map((d) => d.learners)], data.per_day.length ? days : [], { half: true, empty: NO_ATTEMPTS }),
          chart('Badges earned per day', ['badges'], [period.map((d) => d.badges)], period.some((d) => d.badges > 0) ? days : [], {
            half: true,
            empty: 'No badge earned in this period.',
          }),
          barChart('success-chart', 'Success rate by exercise type and difficulty (%)', types, difficulties, rate, ' %'),
        ),
        el('h3', {}, 'Success rate by type and difficulty'),
        table(
          ['Type', 'Difficulty', 'Attempts', 'Correct', 'Success'],
          data.by_type.map((t) => [t.exercise_type, t.difficulty, t.attempts, t.correct, `${Math.round(t.success_rate * 100)} %`]),
        ),
        el('h3', {}, 'Badges nobody can earn'),
        data.unknown_requirement_badges.length
          ? table(
              ['Code', 'Name', 'Active', 'Requirements'],
              data.unknown_requirement_badges.map((b) => [b.code, b.name, b.is_active ? 'yes' : 'no', JSON.stringify(b.requirements)]),
            )
          : el('p', { class: 'note' }, 'Every badge uses a known rule.'),
      ];
    },
  };

  async function show(name) {
    const page = $('page');
    for (const link of $('nav').children) link.classList.toggle('active', link.dataset.page === name);
    page.replaceChildren(el('h2', {}, TITLES[name]), el('p', { class: 'note' }, 'Loading…'));
    try {
      page.replaceChildren(el('h2', {}, TITLES[name]), ...(await renderers[name]()));
      page.dataset.loaded = name;
    } catch (err) {
      if (err.message !== 'unauthorized') page.replaceChildren(el('h2', {}, TITLES[name]), el('p', { class: 'error' }, err.message));
    }
  }
  function signedIn() {
    $('signin').hidden = true;
    $('page').hidden = false;
    $('nav').hidden = false;
    $('signout').hidden = false;
    show((location.hash || '#overview').slice(1) in renderers ? location.hash.slice(1) || 'overview' : 'overview');
  }
  function signOut(message) {
    token = null;
    sessionStorage.removeItem('mathakine-admin-token');
    $('signin').hidden = false;
    $('page').hidden = true;
    $('nav').hidden = true;
    $('signout').hidden = true;
    $('signin-error').textContent = message || '';
  }
  $('nav').append(...PAGES.map((p) => el('a', { href: `#${p}`, 'data-page': p }, TITLES[p])));
  window.addEventListener('hashchange', () => token && show(location.hash.slice(1) in renderers ? location.hash.slice(1) : 'overview'));
  $('signout').addEventListener('click', () => signOut());
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const res = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
    });
    const json = await res.json();
    if (!res.ok) {
      $('signin-error').textContent = json.error ? json.error.message : 'Sign-in failed';
      return;
    }
    token = json.access_token;
    sessionStorage.setItem('mathakine-admin-token', token);
    signedIn();
  });
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    token = new FormData(e.target).get('token');
    sessionStorage.setItem('mathakine-admin-token', token);
    signedIn();
  });
  if (token) signedIn();
})();
