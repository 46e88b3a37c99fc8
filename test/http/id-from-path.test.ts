// idFromPath reads a path id before validation runs (the read made with the account check,
// src/modules/auth/current-actor.ts): it must take exactly the ids the route's zod schema takes,
// as the same numbers, or a request would read one row and validate another id.
import { describe, expect, it } from 'vitest';
import { entityId, idFromPath, MAX_ID } from '../../src/http/schemas.js';

describe('idFromPath', () => {
  it('takes what entityId takes, as the same number, and refuses what it refuses', () => {
    const inputs = ['1', '42', '007', String(MAX_ID), String(MAX_ID + 1), '0', '-1', '1.5', '1e3', '0x10', ' 5', '', 'abc', 'NaN', 'Infinity', '9'.repeat(30)];
    for (const raw of inputs) {
      const zod = entityId.safeParse(raw);
      expect({ raw, id: idFromPath(raw) }).toEqual({ raw, id: zod.success ? zod.data : null });
    }
    expect(idFromPath(undefined)).toBeNull();
  });
});
