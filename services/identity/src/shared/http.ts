import type express from 'express';
import { AppError, requestScopeMiddleware, type Logger } from '@commonhold/kit';

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, RATE_LIMITED: 429, FEATURE_DISABLED: 503 };

/**
 * Wraps a plain-HTTP handler of identity's routes: an AppError becomes its status and the same
 * JSON error body GraphQL answers (`errors[0].extensions.code`), with `Retry-After` when it says
 * how long to wait; anything else is a logged INTERNAL 500. Responses are never cached. Each runs in
 * a request scope, so its logs and audit events carry the request and trace ids.
 */
export function route(log: Logger, handler: (req: express.Request, res: express.Response) => Promise<void>): express.RequestHandler {
  // A request scope (request id, the caller's trace continued): audit events written here carry the trace id.
  const scope = requestScopeMiddleware('identity http');
  return (req, res) => scope(req, res, () => {
    res.set('cache-control', 'no-store');
    handler(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof AppError) {
        const ext = err.extensions as { code: string; retryAfterSeconds?: number; http?: unknown };
        if (ext.retryAfterSeconds) res.set('retry-after', String(ext.retryAfterSeconds));
        const { http: _http, ...extensions } = ext;
        res.status(STATUS[ext.code] ?? 400).json({ errors: [{ message: err.message, extensions }] });
        return;
      }
      log.error({ err }, 'identity route failed');
      res.status(500).json({ errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL' } }] });
    });
  });
}
