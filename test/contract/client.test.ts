// client/src/generated is what `npm run client:generate` writes from the committed openapi.json:
// regenerating it with the same command into a scratch folder gives the same files.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../deploy/server-process.js';

const run = promisify(execFile);
const committed = path.join(PROJECT_ROOT, 'client', 'src', 'generated');
const scratch = path.join(PROJECT_ROOT, '.tmp', `client-${process.pid}`);

function files(dir: string): Record<string, string> {
  return Object.fromEntries(
    (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(dir, file), fs.readFileSync(file, 'utf8')];
      }),
  );
}

describe('the generated client', () => {
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('is what `npm run client:generate` writes from openapi.json', async () => {
    const script = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
      'client:generate'
    ];
    const [command, ...args] = script.split(/\s+/);
    expect(command).toBe('openapi-ts');
    const output = args.indexOf('client/src/generated');
    expect(output).toBeGreaterThan(0);
    args[output] = path.relative(PROJECT_ROOT, scratch);
    await run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'openapi-ts'), args, { cwd: PROJECT_ROOT });
    const expected = files(scratch);
    expect(Object.keys(expected).length).toBeGreaterThan(5);
    expect(files(committed), 'run `npm run client:generate` and commit client/src/generated').toEqual(expected);
  }, 60_000);
});
