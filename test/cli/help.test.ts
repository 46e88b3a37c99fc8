// Every command of the ops CLI explains itself with --help and offers --json for scripts.
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const COMMANDS = [
  ['db', 'status'],
  ['db', 'use'],
  ['db', 'migrate'],
  ['db', 'history'],
  ['db', 'show'],
  ['db', 'stamp'],
  ['db', 'check'],
  ['db', 'generate'],
  ['db', 'backup'],
  ['db', 'restore'],
  ['db', 'optimize'],
  ['db', 'health'],
  ['db', 'stats'],
  ['db', 'tune'],
  ['db', 'maintenance'],
  ['user', 'create'],
];

describe('mathakine --help', () => {
  // each child process is independent: run them side by side
  it('lists the commands', async () => {
    const db = await runCli(['db', '--help'], { cwd: os.tmpdir() });
    expect(db.code).toBe(0);
    for (const [, name] of COMMANDS.filter(([group]) => group === 'db')) expect(db.stdout).toMatch(new RegExp(`\\n\\s+${name}\\b`));
    const user = await runCli(['user', '--help'], { cwd: os.tmpdir() });
    expect(user.stdout).toMatch(/create/);
  });

  it.concurrent.each(COMMANDS)('%s %s --help describes its options, --json included', async (...command) => {
    const res = await runCli([...command, '--help'], { cwd: os.tmpdir() });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: mathakine /);
    expect(res.stdout).toMatch(/--json/);
  });

  // the other CLI tests run the compiled tree; `npm run cli` and a checkout without dist/ go through bin/ and tsx
  it('runs through bin/mathakine.js (from the TypeScript source, through tsx, when there is no dist/ build)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.resolve('bin/mathakine.js'), 'db', '--help'], { cwd: os.tmpdir() });
    expect(stdout).toMatch(/^Usage: mathakine db /);
  });

  it('rejects an unknown command with a hint and a non-zero exit code', async () => {
    const res = await runCli(['db', 'explode'], { cwd: os.tmpdir() });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/unknown command/);
  });
});
