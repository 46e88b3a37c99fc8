// A browser signed in by cookie: the access and refresh tokens live in HttpOnly cookies the page
// cannot read (the API sets them), so this keeps only the CSRF token. Every call carries the
// cookies (`credentials: 'include'`); every write carries `X-CSRF-Token`. A call answered 401 has
// the refresh cookie traded once (rotation, shared by concurrent calls: a refresh cookie presented
// twice ends the session) and is retried; a write refused for its CSRF token (a page that lost it)
// fetches a fresh token once and is retried.
import { createClient, createConfig, type Client } from './generated/client/index.js';
import { cookieLogin, cookieLogout, cookieRefresh, getCsrfToken } from './generated/sdk.gen.js';
import type { CookieSession as CookieSignIn } from './generated/types.gen.js';
import { oneAtATime, sendWithRetry } from './retry.js';

export interface CookieSessionOptions {
  /** The API's origin, e.g. `https://mathakine-api.onrender.com` (list the page's origin in its CORS_ORIGINS). */
  baseUrl: string;
  /** The fetch to use (defaults to the global one, which keeps the cookies in a browser). */
  fetch?: typeof fetch;
}

export const CSRF_HEADER = 'X-CSRF-Token';
/** How long to let another tab's refresh land before retrying with its cookies. */
const CONCURRENT_REFRESH_PAUSE_MS = 300;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// the calls that must not trigger a refresh themselves
const NO_REFRESH = ['/api/auth/cookie/login', '/api/auth/cookie/refresh', '/api/auth/cookie/logout', '/api/auth/register', '/api/auth/csrf'];

export class CookieSession {
  /** Pass as `client` to any generated function: `listExercises({ client: session.client })`. */
  readonly client: Client;
  private csrf: string | null = null;
  private readonly sharedRefresh = oneAtATime(() => this.rotate());
  // the same API without the retries, for the sign-in calls themselves
  private readonly plain: Client;

  constructor(options: CookieSessionOptions) {
    const baseFetch = options.fetch ?? globalThis.fetch;
    const withCsrf = (request: Request) => this.sendWithCsrf(baseFetch, request);
    this.plain = createClient(createConfig({ baseUrl: options.baseUrl, credentials: 'include', fetch: (input, init) => withCsrf(new Request(input, init)) }));
    this.client = createClient(
      createConfig({ baseUrl: options.baseUrl, credentials: 'include', fetch: (input, init) => this.fetchWithRetries(withCsrf, new Request(input, init)) }),
    );
  }

  /** The CSRF token this page holds (null before a sign-in, or after a reload until the next write). */
  get csrfToken(): string | null {
    return this.csrf;
  }

  /** Signs in; the API sets the cookies. Throws the API's error body (401 on wrong credentials, 429 when throttled). */
  async login(username: string, password: string): Promise<CookieSignIn> {
    const { data } = await cookieLogin({ client: this.plain, body: { username, password }, throwOnError: true });
    this.csrf = data.csrf_token;
    return data;
  }

  /** Trades the refresh cookie for new cookies now; false when it was refused (sign in again). */
  refresh(): Promise<boolean> {
    return this.sharedRefresh();
  }

  /** Signs out on the server (the session ends, its cookies are cleared) and forgets the CSRF token. */
  async logout(): Promise<void> {
    await cookieLogout({ client: this.plain, throwOnError: true });
    this.csrf = null;
  }

  private async rotate(): Promise<boolean> {
    const { data, response } = await cookieRefresh({ client: this.plain });
    if (data) this.csrf = data.csrf_token;
    // 409: another tab of this browser refreshed with the same cookie a moment ago; its new
    // cookies are (or are about to be) the browser's, so the call is retried with them
    if (response.status === 409) await new Promise((resolve) => setTimeout(resolve, CONCURRENT_REFRESH_PAUSE_MS));
    return data !== undefined || response.status === 409;
  }

  /** A write gets the CSRF token, fetched first when this page has none yet (after a reload). */
  private async sendWithCsrf(baseFetch: typeof fetch, request: Request): Promise<Response> {
    if (UNSAFE_METHODS.has(request.method)) {
      if (this.csrf === null) await this.fetchCsrfToken();
      if (this.csrf !== null) request.headers.set(CSRF_HEADER, this.csrf);
    }
    return baseFetch(request);
  }

  private async fetchCsrfToken(): Promise<void> {
    const { data } = await getCsrfToken({ client: this.plain });
    if (data) this.csrf = data.csrf_token;
  }

  private fetchWithRetries(send: (request: Request) => Promise<Response>, request: Request): Promise<Response> {
    const sentCsrf = this.csrf;
    return sendWithRetry(send, request, {
      noRetry: NO_REFRESH,
      renew: () => this.refresh(),
      retryAlso: async (response) => {
        if (response.status !== 403 || !UNSAFE_METHODS.has(request.method) || !/csrf/i.test(await response.clone().text())) return false;
        // another call may have renewed the token meanwhile; otherwise ask for one
        if (this.csrf === sentCsrf) this.csrf = null;
        return true;
      },
    });
  }
}
