// The CLI and server processes the tests start run compiled JavaScript, as the Docker image runs
// them (`node dist/cli.js`), instead of TypeScript through tsx: a process then starts in about
// half the CPU time, and the CLI suites start hundreds. The tree is compiled once per content of
// src/ (tsc without type checking: `npx tsc` and CI check the types) into .tmp/test-build-<hash>,
// the layout of the project (drizzle/ and node_modules/ linked, the admin page's files copied), and reused while
// src/ is unchanged. bin/mathakine.js through tsx keeps a test of its own (test/cli/help.test.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sourceHash(): string {
  const hash = createHash('sha256');
  // this file too: how the tree is laid out is part of what it is
  for (const file of [path.join(ROOT, 'tsconfig.json'), path.join(ROOT, 'package.json'), fileURLToPath(import.meta.url)]) hash.update(fs.readFileSync(file));
  const src = path.join(ROOT, 'src');
  for (const file of fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(src, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Compiles src/ unless this content is compiled already; returns the tree's root (its src/cli.js, src/server.js). */
export function compileTestTree(): string {
  const tmp = path.join(ROOT, '.tmp');
  const out = path.join(tmp, `test-build-${sourceHash()}`);
  if (fs.existsSync(path.join(out, '.complete'))) return out;
  fs.mkdirSync(tmp, { recursive: true });
  // older trees of this checkout are stale: their src/ is gone
  for (const entry of fs.readdirSync(tmp)) {
    if (entry.startsWith('test-build-') && !entry.startsWith(path.basename(out))) fs.rmSync(path.join(tmp, entry), { recursive: true, force: true });
  }
  const partial = `${out}.partial-${process.pid}`;
  const tsconfig = path.join(tmp, `test-build-${process.pid}.tsconfig.json`);
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: { rootDir: ROOT, outDir: partial, noEmit: false, sourceMap: true, noCheck: true },
      include: [path.join(ROOT, 'src')],
    }),
  );
  try {
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`compiling src/ for the tests failed:\n${tsc.stdout}${tsc.stderr}`);
  } finally {
    fs.rmSync(tsconfig, { force: true });
  }
  // what the code finds from its own location (the project root is two or three folders up): the
  // migrations, and node_modules for `db generate`'s drizzle-kit
  fs.symlinkSync(path.join(ROOT, 'drizzle'), path.join(partial, 'drizzle'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(partial, 'node_modules'));
  fs.cpSync(path.join(ROOT, 'src/modules/admin/page'), path.join(partial, 'src/modules/admin/page'), { recursive: true });
  fs.writeFileSync(path.join(partial, '.complete'), '');
  try {
    fs.renameSync(partial, out);
  } catch (error) {
    // another run compiled the same content meanwhile: use theirs
    if (!fs.existsSync(path.join(out, '.complete'))) throw error;
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return out;
}

/** In a test: the compiled entry point (`cli` or `server`) that global-setup built. */
export function compiledEntry(name: 'cli' | 'server'): string {
  return path.join(inject('compiledRoot'), 'src', `${name}.js`);
}
