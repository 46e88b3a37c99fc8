// zod pieces every module's schemas.ts uses: ids, pagination, lenient enum input, timestamps.
import { z } from 'zod';
import { canonicalEnum } from '../db/enums.js';

/**
 * An enum accepted in any case, with or without accents, in the original app's spellings
 * (`GRAND_MAITRE`, `Grand Maître`, `GROUP_6_8`, `ALL_AGES`), always the canonical value after parsing.
 */
export function enumInput<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((v) => (typeof v === 'string' ? (canonicalEnum(v, values) ?? v) : v), z.enum(values));
}

/** Ids are PostgreSQL `integer`s: a larger one would fail in the database, so it is refused here on both dialects. */
export const MAX_ID = 2_147_483_647;
export const entityId = z.coerce.number().int().positive().max(MAX_ID);

export const idParams = z.object({ id: entityId });
/** A path's id as `entityId` reads it, without zod (before validation runs); null when it would refuse it. */
export function idFromPath(raw: string | undefined): number | null {
  const id = Number(raw);
  return raw !== undefined && Number.isInteger(id) && id > 0 && id <= MAX_ID ? id : null;
}

/** Links shown to browsers (avatars, images, audio): http(s) only, never `javascript:` or `data:`. */
export const webUrl = (maxLength: number) => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(maxLength);

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).describe('page size, 1–100'),
  offset: z.coerce.number().int().min(0).default(0).describe('rows to skip'),
});
export type Pagination = z.infer<typeof paginationQuery>;

/** `{ items, total, limit, offset }`: the shape of every list, a named component (`ExercisePage`…) in the OpenAPI document. */
export function pageOf<T extends z.ZodType>(item: T, id: `${string}Page`) {
  return z
    .object({
      items: z.array(item).max(MAX_PAGE_SIZE),
      total: z.number().int().min(0),
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE),
      offset: z.number().int().min(0),
    })
    .meta({ id });
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Query-string booleans: `true/false/1/0/yes/no`. */
export const booleanQuery = z.string().max(5).pipe(z.stringbool());

/** Timestamps: Date in code, ISO-8601 UTC text in JSON. */
export const timestamp = z.date();
