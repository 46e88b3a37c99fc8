// HTTP calls of the module tests: app.inject as a test user (or anonymously), on a context that
// beforeAll creates later, hence the getter.
import type { TestContext } from './app.js';
import type { TestUser } from './users.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export function httpClient(context: () => Pick<TestContext, 'app'>) {
  const request = (method: Method, url: string, user?: TestUser | null, payload?: object) =>
    context().app.inject({ method, url, headers: user?.headers ?? {}, payload });
  const get = (url: string, user?: TestUser | null) => request('GET', url, user);
  return { request, get };
}
