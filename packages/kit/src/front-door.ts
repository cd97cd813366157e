import type { ApolloServerPlugin } from '@apollo/server';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
// negotiator is what @apollo/server picks the response media type with; the same answer here.
import Negotiator from 'negotiator';
import type { Logger } from './logger';

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';
const LEGACY_JSON = 'application/json; charset=utf-8';

/**
 * GraphQL over HTTP for clients that asked for legacy `application/json` only: a request error
 * (parse, validation, variable coercion: no `data`) is answered 200 with the errors in the body,
 * as GraphQL over HTTP requires for that media type (also for no `Accept` or `*\/*`, which mean
 * `application/json`). Clients accepting `application/graphql-response+json` get 400 and the
 * errors; both bodies name the code (BAD_USER_INPUT). Never a 5xx either way.
 */
export function graphqlHttpStatusPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const { response, request } = rc;
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.errors?.length || 'data' in result) return;
          // Only a document the client sent that failed to parse, validate or coerce its variables;
          // malformed request parameters (a missing or non-string `query`) stay 400 (spec: MAY).
          const codes = (rc.errors ?? []).map((e) => (e as { extensions?: { code?: unknown } }).extensions?.code);
          if (!codes.length || !codes.every((c) => c === 'GRAPHQL_PARSE_FAILED' || c === 'GRAPHQL_VALIDATION_FAILED' || c === 'BAD_USER_INPUT')) return;
          const accept = request.http?.headers.get('accept') ?? '';
          const chosen = new Negotiator({ headers: { accept } }).mediaType([LEGACY_JSON, GRAPHQL_RESPONSE_JSON]);
          if (chosen === LEGACY_JSON) response.http.status = 200;
        },
      };
    },
  };
}

/** Parses a JSON body; a malformed or oversize one becomes a JSON GraphQL error (see httpErrorHandler). */
export const jsonBody = (limit = '1mb'): RequestHandler => express.json({ limit });

/**
 * Last error handler of every HTTP service: body-parser failures become JSON GraphQL errors with
 * their 4xx status (malformed JSON 400, oversize 413, unsupported charset 415) and anything else a
 * generic INTERNAL 500 — never Express's HTML page with a stack trace and server paths.
 */
export function httpErrorHandler(log: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean; message?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message =
        e.type === 'entity.parse.failed' ? 'The request body is not valid JSON'
        : e.type === 'entity.too.large' ? 'The request body is too large'
        : e.expose && e.message ? e.message
        : 'Bad request';
      res.status(status).type('application/json').json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', reason: e.type ?? 'BAD_REQUEST' } }] });
      return;
    }
    log.error({ err }, 'unhandled HTTP error');
    res.status(500).type('application/json').json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL' } }] });
  };
}

/** `CORS_ORIGINS` as a list; unset means `http://localhost:*` outside production and nothing in it. */
export function parseCorsOrigins(value: string | undefined, production: boolean): string[] {
  if (value === undefined) return production ? [] : ['http://localhost:*', 'http://127.0.0.1:*'];
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Decides CORS for one `Origin`. An exact entry (`https://app.example.org`) is allowed with
 * credentials; a pattern (`http://localhost:*`, any port) is allowed without them, so a page on a
 * port nobody listed cannot ride the user's cookies. Anything else is not allowed at all.
 */
export function corsDecision(origins: readonly string[], origin: string | undefined): { allowed: boolean; credentials: boolean } {
  if (!origin) return { allowed: false, credentials: false };
  if (origins.includes(origin)) return { allowed: true, credentials: true };
  for (const o of origins) {
    if (!o.endsWith(':*')) continue;
    const base = o.slice(0, -2);
    if (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1))) return { allowed: true, credentials: false };
    if (origin === base) return { allowed: true, credentials: false };
  }
  return { allowed: false, credentials: false };
}

/** Security headers (helmet) and CORS for every HTTP service; mount before any route. */
export function securityMiddleware(opts: { corsOrigins: readonly string[]; production: boolean }): RequestHandler[] {
  return [
    helmet({
      // The development landing page (Apollo Sandbox) loads scripts from a CDN; production has none.
      contentSecurityPolicy: opts.production ? undefined : false,
      crossOriginEmbedderPolicy: false,
    }),
    cors((req, cb) => {
      const d = corsDecision(opts.corsOrigins, req.headers.origin);
      cb(null, {
        origin: d.allowed,
        credentials: d.credentials,
        methods: ['GET', 'POST', 'OPTIONS'],
        maxAge: 600,
        exposedHeaders: ['x-request-id', 'retry-after'],
      });
    }),
  ];
}

/**
 * Express `trust proxy` from `TRUST_PROXY`: unset/`false`/`0` trusts no forwarded header (the
 * socket's address is the client's); a number trusts that many proxy hops in front of the
 * service; otherwise a comma list of addresses/CIDRs (`10.0.0.0/8, 192.168.1.4`) or Express's
 * names (`loopback`, `uniquelocal`). Everything that reads `req.ip` (rate limits, passthrough
 * `X-Forwarded-For`, audit) then sees the same honest address.
 */
export function parseTrustProxy(value: string | undefined): false | number | string[] {
  const v = value?.trim();
  if (!v || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
