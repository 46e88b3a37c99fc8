// Responses serialized by fast-json-stringify from each route's zod schema, compiled once (zod and
// JSON.stringify cost 8 % of a cheap request): only declared properties are written, and as it checks
// no constraints, outside production each response is also checked against its zod schema.
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** A JSON Schema with one `type`, or only `{ type: 'null' }`: the branches a nullable field has. */
const isPlainTyped = (schema: JsonSchema) => typeof schema.type === 'string' && !('anyOf' in schema) && !('oneOf' in schema) && !('allOf' in schema);

/**
 * `anyOf: [{ type: T, … }, { type: 'null' }]` (zod's `.nullable()`) as `type: [T, 'null']`:
 * fast-json-stringify picks an anyOf branch by validating the value, which a Date (for a
 * date-time string) never passes, and which is slow. Other unions stay as they are.
 */
function simplifyNullables(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(simplifyNullables);
  if (!schema || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, simplifyNullables(value)])) as JsonSchema;
  const branches = node.anyOf;
  if (Array.isArray(branches) && branches.length === 2 && branches.every((branch) => isPlainTyped(branch as JsonSchema))) {
    const value = (branches as JsonSchema[]).find((branch) => branch.type !== 'null');
    const nullable = (branches as JsonSchema[]).some((branch) => branch.type === 'null');
    if (value && nullable) {
      const { anyOf: _anyOf, ...rest } = node;
      return { ...rest, ...value, type: [value.type, 'null'] };
    }
  }
  return node;
}

/** Unions fast-json-stringify would resolve by validating (see simplifyNullables). */
function hasUnion(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(hasUnion);
  if (!schema || typeof schema !== 'object') return false;
  return 'anyOf' in schema || 'oneOf' in schema || Object.values(schema).some(hasUnion);
}

/** The JSON Schema of what a route sends: Dates as date-time strings (fast-json-stringify writes toISOString()). */
export function responseJsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'output',
    target: 'draft-7',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'date') Object.assign(jsonSchema, { type: 'string', format: 'date-time' });
    },
  });
  return simplifyNullables(json) as JsonSchema;
}

/**
 * The serializer compiler for buildApp(). `validate` (outside production) checks each response
 * against its zod schema before writing it. A schema with a union of objects keeps the zod
 * serializer (zod picks the branch, JSON.stringify writes it).
 */
export function createSerializerCompiler({ validate }: { validate: boolean }): FastifySerializerCompiler<z.ZodType> {
  return (route) => {
    const zodSerializer = () => zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
    const json = responseJsonSchema(route.schema);
    if (hasUnion(json)) return zodSerializer();
    const stringify = fastJson(json);
    if (!validate) return stringify;
    const zodSerialize = zodSerializer();
    return (data) => {
      zodSerialize(data); // throws the provider's ResponseSerializationError when the response breaks its schema
      return stringify(data);
    };
  };
}
