// Response serialization (src/http/serializer.ts): fast-json-stringify compiled from the zod
// response schemas writes exactly what zod + JSON.stringify wrote, minus undeclared fields; a
// value of the wrong type is never written as another JSON type; outside production zod checks
// each response first and refuses it.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isResponseSerializationError } from 'fastify-type-provider-zod';
import { createSerializerCompiler } from '../../src/http/serializer.js';

const item = z.object({
  id: z.number().int(),
  name: z.string(),
  note: z.string().nullable(),
  answer: z.string().optional(),
  at: z.date(),
  seen_at: z.date().nullable(),
  tags: z.array(z.string()).nullable(),
  data: z.unknown(),
});
const page = z.object({ items: z.array(item), total: z.number().int() });
const union = z.union([z.object({ saved: z.literal(true), id: z.number() }), z.object({ saved: z.literal(false), preview: z.string() })]);

function compile(schema: z.ZodType, validate: boolean) {
  return createSerializerCompiler({ validate })({ schema, method: 'GET', url: '/x', httpStatus: '200' });
}

const row = {
  id: 7,
  name: 'Yoda',
  note: null,
  at: new Date('2026-11-24T06:00:00.000Z'),
  seen_at: new Date(0),
  tags: ['a', 'b'],
  data: { nested: [1, 'deux', null] },
};

describe('response serializer', () => {
  for (const validate of [false, true]) {
    describe(validate ? 'checked by zod first (development, tests)' : 'production', () => {
      it('writes what JSON.stringify wrote, dates as ISO-8601, without undeclared fields', () => {
        const body = { items: [row, { ...row, id: 8, answer: '42', seen_at: null, tags: null, data: 3 }], total: 2 };
        const written = compile(page, validate)({ ...body, items: body.items.map((r) => ({ ...r, hashed_password: 'secret' })) });
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(body)));
        expect(written).not.toContain('secret');
      });

      it('leaves out an optional field that is undefined', () => {
        expect(JSON.parse(compile(item, validate)({ ...row, answer: undefined }))).not.toHaveProperty('answer');
      });

      it(validate ? 'refuses a value of the wrong type' : 'writes a value of the wrong type as its declared JSON type, never as another', () => {
        const serialize = compile(item, validate);
        const wrong = { ...row, id: 2.5, name: 3 };
        if (validate) expect(() => serialize(wrong)).toThrow();
        else
          expect(item.safeParse(JSON.parse(serialize(wrong), (key, value) => (key === 'at' || key === 'seen_at' ? new Date(value) : value))).success).toBe(
            true,
          );
        expect(() => serialize({ ...row, name: undefined })).toThrow(); // a required field missing
      });

      it('writes unions of objects through zod', () => {
        expect(JSON.parse(compile(union, validate)({ saved: false, preview: 'x', extra: 1 }))).toEqual({ saved: false, preview: 'x' });
      });
    });
  }

  it('reports a broken contract with the zod error outside production', () => {
    try {
      compile(item, true)({ ...row, name: 3 });
      expect.unreachable();
    } catch (error) {
      expect(isResponseSerializationError(error)).toBe(true);
    }
  });
});
