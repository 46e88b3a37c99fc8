// @mathakine/client: every endpoint as a typed function (generated from openapi.json) and Session.
export * from './generated/index.js';
export { createClient, createConfig } from './generated/client/index.js';
export type { Client } from './generated/client/index.js';
export { Session, type SessionOptions } from './session.js';
export { CookieSession, CSRF_HEADER, type CookieSessionOptions } from './cookie-session.js';
