import { z } from 'zod';
import { timestamp } from '../../http/schemas.js';

/** A signed-in device as its owner sees it: never a token. */
export const sessionSchema = z
  .object({
    id: z.number().int(),
    created_at: timestamp.describe('the sign-in'),
    last_used_at: timestamp.describe('the sign-in or the last refresh (an access token lives JWT_ACCESS_TTL_SECONDS, so activity is known to within that)'),
    expires_at: timestamp.describe('when it ends unless refreshed'),
    user_agent: z.string().nullable(),
    ip_address: z.string().nullable().describe('the client address as the rate limiter sees it, at the sign-in or last refresh'),
    current: z.boolean().describe('the session of the access token making this request'),
  })
  .meta({ id: 'Session' });

export const sessionList = z.object({ items: z.array(sessionSchema) }).meta({ id: 'SessionList' });

export const endedSessions = z.object({ ended: z.number().int().describe('how many sessions were ended') }).meta({ id: 'EndedSessions' });
