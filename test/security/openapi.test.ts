// The OpenAPI document passes Spectral's OpenAPI rules and the OWASP API Security ruleset
// (.spectral.yaml) without an error (and the request side without a warning), and documents what the API really does on every route:
// 400 for invalid input, 429 and the rate-limit headers, the security scheme of its auth.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../deploy/server-process.js';
import { dumpOpenApi } from './dump-openapi.js';

const run = promisify(execFile);
// .spectral.yaml's overrides name documents under .tmp/ called openapi*.json
const file = path.join(PROJECT_ROOT, '.tmp', `openapi-test-${process.pid}.json`);

interface Finding {
  code: string;
  message: string;
  severity: number;
  path: string[];
}
interface Operation {
  security?: Record<string, unknown>[];
  parameters?: { name?: string }[];
  requestBody?: unknown;
  responses: Record<string, { headers?: Record<string, unknown> }>;
}

describe('the OpenAPI document', () => {
  let document: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    await dumpOpenApi(file);
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  });
  afterAll(() => fs.rmSync(file, { force: true }));

  it('passes Spectral with the OWASP ruleset without errors, and without even a warning on what a client sends', async () => {
    const spectral = path.join(PROJECT_ROOT, 'node_modules', '@stoplight', 'spectral-cli', 'dist', 'index.js');
    // exit code 1 when there are errors: read the report either way
    const output = await run(process.execPath, [spectral, 'lint', file, '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet'], {
      cwd: PROJECT_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const findings = JSON.parse(output.stdout || '[]') as Finding[];
    const errors = findings.filter((f) => f.severity === 0).map((f) => `${f.code} at ${f.path.join('/')}: ${f.message}`);
    expect(errors).toEqual([]);
    // every parameter and request body: each limit the server applies is in the contract
    const onRequests = findings.filter((f) => f.path.includes('parameters') || f.path.includes('requestBody')).map((f) => `${f.code} at ${f.path.join('/')}`);
    expect(onRequests).toEqual([]);
  }, 60_000);

  it('publishes the limits the server applies to an answer', () => {
    const body = (
      document.paths['/api/exercises/{id}/attempts'].post.requestBody as { content: Record<string, { schema: { properties: Record<string, unknown> } }> }
    ).content['application/json'].schema.properties;
    expect(body.user_answer).toEqual({
      anyOf: [
        { type: 'string', maxLength: 500, pattern: '^[^\\u0000]*$' },
        { type: 'number', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
      ],
    });
  });

  it('documents 400, 429, the rate-limit headers and the security scheme where they apply', () => {
    const operations = Object.entries(document.paths).flatMap(([url, item]) => Object.entries(item).map(([method, op]) => ({ url, method, op })));
    expect(operations.length).toBeGreaterThan(20);
    for (const { url, method, op } of operations) {
      const name = `${method.toUpperCase()} ${url}`;
      // If-None-Match is a validator, never validated input: a stale or odd one gets the 200
      const validated = (op.parameters ?? []).filter((p) => p.name !== 'If-None-Match');
      if (validated.length || op.requestBody) expect(op.responses, name).toHaveProperty('400');
      if (url !== '/admin/health') {
        expect(op.responses, name).toHaveProperty('429');
        expect(Object.keys(op.responses['429'].headers ?? {}), name).toContain('Retry-After');
      }
      if (url.startsWith('/admin/') && url !== '/admin/health') expect(op.security, name).toEqual([{ adminAuth: [] }]);
    }
    const signIn = document.paths['/api/auth/login'].post;
    expect(signIn.security).toBeUndefined();
    expect(Object.keys(signIn.responses['200'].headers ?? {})).toEqual(expect.arrayContaining(['X-RateLimit-Limit', 'X-RateLimit-Remaining']));
    expect(document.paths['/api/auth/me'].get.security).toEqual([{ bearerAuth: [] }]);
  });
});
