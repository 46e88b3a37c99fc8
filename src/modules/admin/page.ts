// GET /admin: the dashboard page. A static shell (no data: it is public) and its script, style
// and uPlot (charts, from node_modules, served by the app: no CDN). The script signs in through
// /api/auth/login (an archiviste) or takes the ADMIN_TOKEN, then reads /admin/dashboard/*.
// Strict Content-Security-Policy on these answers: nothing inline, nothing from elsewhere.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../../errors.js';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const UPLOT_DIR = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, { file: string; type: string }> = {
  'dashboard.js': { file: path.join(PAGE_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: path.join(PAGE_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { file: path.join(UPLOT_DIR, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { file: path.join(UPLOT_DIR, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

const dashboardPage: FastifyPluginAsync = async (app) => {
  // read once: the files are small and never change while the process runs
  const contents = new Map(Object.entries(ASSETS).map(([name, asset]) => [name, fs.readFileSync(asset.file)]));
  const html = fs.readFileSync(path.join(PAGE_DIR, 'index.html'));

  app.get('/admin', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').send(html),
  );
  app.get<{ Params: { name: string } }>('/admin/assets/:name', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const asset = ASSETS[request.params.name];
    const body = contents.get(request.params.name);
    if (!asset || !body) throw notFound('Asset');
    return reply.type(asset.type).header('content-security-policy', PAGE_CSP).header('cache-control', 'public, max-age=300').send(body);
  });
};

export default dashboardPage;
