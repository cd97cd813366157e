import express from 'express';
import { AppError, requireFeature, withTenant, type Principal, type ServiceRuntime } from '@commonhold/kit';
import { jobErrors, type RunDeps } from './import.store';
import { jobOut } from './import.resolvers';
import { startImport } from './use-cases';

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, IDEMPOTENCY_CONFLICT: 409, FEATURE_DISABLED: 403 };

/**
 * `POST /imports` on the fundraising service: the CSV as the raw body (`Content-Type: text/csv`,
 * up to 64 MB — the GraphQL endpoints accept 1 MB), the same bearer token as GraphQL, the
 * idempotency key in `Idempotency-Key`, and `fileName`, `dryRun` (default true),
 * `skipInvalidRows` (default false) as query parameters. Same use case as `startFundraisingImport`;
 * answers `{ job, errors }` (the first 100 report entries) or `{ errors: [{ message, extensions }] }`.
 */
export function importRoutes(app: express.Express, rt: ServiceRuntime): void {
  // The same verifier the service's GraphQL endpoint uses (embedded, distributed and tests alike).
  const verify = (authorization: string | undefined) => rt.verifyToken(authorization);

  // The caller is authenticated before a byte of the (up to 64 MB) body is read.
  const authenticate: express.RequestHandler = (req, res, next) => {
    verify(req.headers.authorization)
      .then((principal) => {
        res.locals.principal = principal;
        next();
      })
      .catch((err) => {
        const code = err instanceof AppError ? String(err.extensions.code) : 'UNAUTHENTICATED';
        // The unread body is not drained: the connection closes after this answer.
        res.status(STATUS[code] ?? 401).set('connection', 'close').json({ errors: [{ message: err instanceof AppError ? err.message : 'A valid bearer token is required', extensions: { code } }] });
      });
  };

  app.post('/imports', authenticate, express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '64mb' }), async (req, res) => {
    try {
      const principal = res.locals.principal as Principal;
      requireFeature(rt.config, 'ENABLE_FUNDRAISING');
      const q = req.query as Record<string, string | undefined>;
      const bool = (name: string, dflt: boolean) => {
        const v = q[name];
        if (v === undefined) return dflt;
        if (v !== 'true' && v !== 'false') throw new AppError('BAD_USER_INPUT', `${name} must be true or false`, { field: `input.${name}` });
        return v === 'true';
      };
      const deps: RunDeps = {
        tx: (fn) => withTenant(rt.ds, principal.tenantId, fn),
        registry: rt.registry,
        tenantId: principal.tenantId,
        actor: principal.userId,
        log: rt.log.child({ tenantId: principal.tenantId, route: 'POST /imports' }),
      };
      const job = await startImport(deps, {
        fileName: q.fileName,
        csv: typeof req.body === 'string' ? req.body : undefined,
        dryRun: bool('dryRun', true),
        skipInvalidRows: bool('skipInvalidRows', false),
        idempotencyKey: req.header('idempotency-key') ?? '',
      });
      const errors = await deps.tx((m) => jobErrors(m, job.id, -1, 100));
      res.json({ job: jobOut(job), errors: errors.map((e) => ({ rowNumber: e.row_number, field: e.field, message: e.message })) });
    } catch (err) {
      if (err instanceof AppError) {
        const code = String(err.extensions.code);
        res.status(STATUS[code] ?? 400).json({ errors: [{ message: err.message, extensions: { code, ...(err.extensions.field ? { field: err.extensions.field } : {}) } }] });
        return;
      }
      rt.log.error({ err }, 'POST /imports failed');
      res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL' } }] });
    }
  });

  // express.text's own refusals (too large, unreadable): the same error shape.
  app.use('/imports', (err: { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err?.status) return next(err);
    const tooLarge = err.type === 'entity.too.large';
    res.status(err.status).json({
      errors: [{ message: tooLarge ? 'the file is larger than 64 MB: split it' : 'the request body could not be read', extensions: { code: 'BAD_USER_INPUT', field: 'input.csv' } }],
    });
  });
}
