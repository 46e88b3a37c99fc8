// The OpenAPI contract: every operation has a unique camelCase operationId, the shared shapes are
// named components, every error status carries the Error component, and the document the app
// serves is the committed openapi.json — when it is not, the breaking changes are named.
// Regenerate with `npm run openapi && npm run client:generate` after a reviewed contract change.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../deploy/server-process.js';
import { dumpOpenApi } from '../security/dump-openapi.js';
import { breakingChanges } from './breaking-changes.js';

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const file = path.join(PROJECT_ROOT, '.tmp', `openapi-contract-${process.pid}.json`);
const committedFile = path.join(PROJECT_ROOT, 'openapi.json');

describe('the OpenAPI contract', () => {
  let served: string;
  let document: Document;
  beforeAll(async () => {
    await dumpOpenApi(file);
    served = fs.readFileSync(file, 'utf8');
    document = JSON.parse(served);
  });
  afterAll(() => fs.rmSync(file, { force: true }));

  const operations = () =>
    Object.entries(document.paths).flatMap(([url, item]) => Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${url}`, op })));

  it('gives every operation a unique camelCase operationId', () => {
    const missing = operations()
      .filter(({ op }) => !op.operationId)
      .map(({ name }) => name);
    expect(missing, 'add them to src/plugins/operation-ids.ts').toEqual([]);
    const ids = operations().map(({ op }) => op.operationId as string);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
  });

  it('names the shared shapes as components and documents the Error shape on every error status', () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining([
        'Error',
        'User',
        'UserPage',
        'Exercise',
        'ExercisePage',
        'Attempt',
        'AttemptResult',
        'Progress',
        'LogicChallenge',
        'LogicChallengePage',
        'TokenPair',
      ]),
    );
    expect(served).not.toMatch(/def-\d/);
    for (const { name, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        // the health check answers 503 with its own report (status `fail`), as health checks do
        if (!/^[45]/.test(status) || (name === 'GET /admin/health' && status === '503')) continue;
        expect(response.content?.['application/json']?.schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
      expect(op.responses, name).toHaveProperty('500');
      if (/\{id\}/.test(name)) expect(op.responses, name).toHaveProperty('404');
    }
    expect(Object.keys(document.paths['/api/exercises/{id}'].patch.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '429', '503']));
  });

  it('is the committed openapi.json (run `npm run openapi && npm run client:generate` after a reviewed change)', () => {
    const committed = JSON.parse(fs.readFileSync(committedFile, 'utf8')) as Document;
    // named first, so a breaking change reads as what it is rather than as a JSON diff
    expect(breakingChanges(committed, document), 'breaking changes against the committed openapi.json').toEqual([]);
    expect(document, 'openapi.json differs from what the app serves').toEqual(committed);
  });
});

describe('breakingChanges', () => {
  const base = (): Document & Json => ({
    paths: {
      '/api/things/{id}': {
        get: { operationId: 'getThing', responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } } },
        post: {
          operationId: 'postThing',
          parameters: [{ in: 'query', name: 'mode', required: false, schema: { type: 'string', enum: ['a', 'b'] } }],
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { note: { type: 'string' } }, required: [] } } } },
          responses: { 201: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
        },
      } as never,
    },
    components: { schemas: { Thing: { type: 'object', properties: { id: { type: 'integer' }, kind: { type: 'string', enum: ['x', 'y'] } } } } },
  });

  it('finds nothing between a document and itself', () => {
    expect(breakingChanges(base(), base())).toEqual([]);
  });

  it('names removed operations, response fields and enum values, and new required request fields', () => {
    const after = base();
    const item = after.paths['/api/things/{id}'] as unknown as Record<string, Json>;
    delete item.get;
    const post = item.post as { parameters: Json[]; requestBody: { content: Record<string, { schema: Json }> } };
    post.parameters[0].required = true;
    post.parameters[0].schema = { type: 'string', enum: ['a'] };
    post.requestBody.content['application/json'].schema.required = ['note'];
    after.components.schemas.Thing = { type: 'object', properties: { kind: { type: 'string', enum: ['x'] } } };
    expect(breakingChanges(base(), after).sort()).toEqual(
      [
        'removed operation GET /api/things/{id} (getThing)',
        'new required request field POST /api/things/{id} query mode',
        'removed enum value "b" at POST /api/things/{id} query mode',
        'new required request field POST /api/things/{id} body.note',
        'removed response field POST /api/things/{id} 201.id',
        'removed enum value "y" at POST /api/things/{id} 201.kind',
      ].sort(),
    );
  });
});
