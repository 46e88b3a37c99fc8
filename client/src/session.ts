// One signed-in session: holds the token pair, sends the access token as the bearer on every call,
// and when a call answers 401 trades the refresh token for a new pair once (rotation) and retries
// that call. Concurrent 401s share one refresh: a refresh token is single-use, and presenting it
// twice would revoke the whole sign-in (reuse detection). Catalogue reads are revalidated: a GET
// whose answer carried an ETag is sent again with If-None-Match, and a 304 gives the kept body.
import { createClient, createConfig, type Client } from './generated/client/index.js';
import { login as signIn, logout as signOut, refreshTokens } from './generated/sdk.gen.js';
import type { TokenPair } from './generated/types.gen.js';
import { oneAtATime, sendWithRetry } from './retry.js';

export interface SessionOptions {
  /** The API's origin, e.g. `https://mathakine-api.onrender.com`. */
  baseUrl: string;
  /** Tokens from an earlier sign-in (e.g. kept in storage). */
  tokens?: TokenPair | null;
  /** Called whenever the pair changes (sign-in, refresh, sign-out: null), to persist it. */
  onTokens?: (tokens: TokenPair | null) => void;
  /** The fetch to use (defaults to the global one). */
  fetch?: typeof fetch;
  /** How many answers with an ETag to keep for revalidation (default 200; 0: none). */
  cachedAnswers?: number;
}

/** An answer kept for revalidation: its ETag, and what to rebuild the Response from. */
interface CachedAnswer {
  etag: string;
  body: ArrayBuffer;
  status: number;
  statusText: string;
  headers: [string, string][];
}

// the calls that must not trigger a refresh themselves
const NO_REFRESH = ['/api/auth/login', '/api/auth/refresh', '/api/auth/register'];

export class Session {
  /** Pass as `client` to any generated function: `listExercises({ client: session.client })`. */
  readonly client: Client;
  private tokens: TokenPair | null;
  private readonly sharedRefresh = oneAtATime(() => this.rotate());
  // the same API without the retry, for the refresh call itself
  private readonly plain: Client;
  // GET answers with an ETag, by URL, oldest first; for this signed-in user only
  private readonly answers = new Map<string, CachedAnswer>();

  constructor(private readonly options: SessionOptions) {
    this.tokens = options.tokens ?? null;
    const baseFetch = options.fetch ?? globalThis.fetch;
    this.plain = createClient(createConfig({ baseUrl: options.baseUrl, fetch: baseFetch }));
    this.client = createClient(
      createConfig({
        baseUrl: options.baseUrl,
        auth: () => this.tokens?.access_token,
        fetch: (input, init) => this.revalidating(new Request(input, init), (request) => this.fetchWithRefresh(baseFetch, request)),
      }),
    );
  }

  get tokenPair(): TokenPair | null {
    return this.tokens;
  }

  /** Signs in; throws the API's error body (401 on wrong credentials, 429 when throttled). */
  async login(username: string, password: string): Promise<TokenPair> {
    const { data } = await signIn({ client: this.plain, body: { username, password }, throwOnError: true });
    this.answers.clear(); // perhaps another user: the kept answers were the last one's
    this.setTokens(data);
    return data;
  }

  /** Trades the refresh token for a new pair now; false when there is none or it was refused. */
  refresh(): Promise<boolean> {
    return this.sharedRefresh();
  }

  /** Signs out on the server (revokes the refresh tokens) and forgets the pair. */
  async logout(): Promise<void> {
    if (this.tokens) await signOut({ client: this.client, body: { refresh_token: this.tokens.refresh_token }, throwOnError: true });
    this.setTokens(null);
  }

  private async rotate(): Promise<boolean> {
    const refresh_token = this.tokens?.refresh_token;
    if (!refresh_token) return false;
    const { data } = await refreshTokens({ client: this.plain, body: { refresh_token } });
    this.setTokens(data ?? null);
    return data !== undefined;
  }

  private setTokens(tokens: TokenPair | null): void {
    if (tokens === null) this.answers.clear(); // signed out: what they saw is not for the next user
    this.tokens = tokens;
    this.options.onTokens?.(tokens);
  }

  /** GETs go out with the ETag of the kept answer; a 304 is answered with that answer's body. */
  private async revalidating(request: Request, send: (request: Request) => Promise<Response>): Promise<Response> {
    const limit = this.options.cachedAnswers ?? 200;
    if (request.method !== 'GET' || limit <= 0) return send(request);
    const key = request.url;
    const kept = this.answers.get(key);
    if (kept && !request.headers.has('If-None-Match')) request.headers.set('If-None-Match', kept.etag);
    const response = await send(request);
    if (response.status === 304 && kept) {
      this.answers.delete(key); // most recently used last
      this.answers.set(key, kept);
      return new Response(kept.body.slice(0), { status: kept.status, statusText: kept.statusText, headers: kept.headers });
    }
    const etag = response.headers.get('ETag');
    if (response.status !== 200 || !etag) {
      this.answers.delete(key);
      return response;
    }
    const body = await response.clone().arrayBuffer();
    this.answers.delete(key);
    this.answers.set(key, { etag, body, status: response.status, statusText: response.statusText, headers: [...response.headers] });
    while (this.answers.size > limit) this.answers.delete(this.answers.keys().next().value as string);
    return response;
  }

  private fetchWithRefresh(baseFetch: typeof fetch, request: Request): Promise<Response> {
    const sentToken = this.tokens?.access_token;
    return sendWithRetry(baseFetch, request, {
      noRetry: NO_REFRESH,
      // another call may already have rotated the pair while this one was in flight
      renew: async () => this.tokens !== null && (this.tokens.access_token !== sentToken || (await this.refresh())) && this.tokens !== null,
      beforeRetry: (retry) => retry.headers.set('Authorization', `Bearer ${this.tokens!.access_token}`),
    });
  }
}
