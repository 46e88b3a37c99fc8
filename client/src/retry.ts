// What both sessions (session.ts: bearer tokens; cookie-session.ts: HttpOnly cookies) do around a
// call: one refresh at a time, shared by concurrent calls (a refresh token or cookie is single-use:
// presenting it twice ends the sign-in), and a call answered 401 retried once after that refresh.

/** `run` shared: while one is in flight, every caller gets that one. */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () =>
    (inFlight ??= run().finally(() => {
      inFlight = null;
    }));
}

export interface RetryPolicy {
  /** paths whose 401 is the answer itself (sign-in, refresh, …): never retried */
  noRetry: readonly string[];
  /** renews the credentials after a 401; false: the 401 stands */
  renew(): Promise<boolean>;
  /** what the retry changes once renewed (the new bearer) */
  beforeRetry?(retry: Request): void;
  /** another answer worth one retry (a write refused for its CSRF token) */
  retryAlso?(response: Response, request: Request): Promise<boolean>;
}

/** Sends `request`; a 401 renews the credentials and sends it once more (as does `retryAlso`). */
export async function sendWithRetry(send: (request: Request) => Promise<Response>, request: Request, policy: RetryPolicy): Promise<Response> {
  const retry = request.clone(); // the body can be read once
  const response = await send(request);
  if (policy.noRetry.includes(new URL(request.url).pathname)) return response;
  if (response.status === 401) {
    if (!(await policy.renew())) return response;
    policy.beforeRetry?.(retry);
    return send(retry);
  }
  if (policy.retryAlso && (await policy.retryAlso(response, request))) return send(retry);
  return response;
}
