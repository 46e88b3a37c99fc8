// Who is calling, as the services see it: no Fastify here (src/plugins/auth.ts fills it in).
import type { Role } from '../../db/enums.js';

export interface Actor {
  id: number;
  role: Role;
  username: string;
  /** the session (sessions.id) of the request's access token; absent outside a request */
  sessionId?: number;
}
