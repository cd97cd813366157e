import type express from 'express';
import {
  accessScope, AppError, badInput, createPublicLinkVerifier, featureDisabled, jsonBody, redeemPublicLink, requestScopeMiddleware, withTenant,
  type PublicLinkClaims, type PublicLinkVerifier, type ServiceRuntime,
} from '@commonhold/kit';
import type { EntityManager } from 'typeorm';
import type { VendorsConfig } from '../../config';
import {
  completeWorkOrder, documentMaxBytes, documentsOf, documentStorage, findWorkOrder, respondToWorkOrder, startWorkOrder, uploadDocument, vendorMetrics, workOrderOut,
  type AfterCommit, type DocumentRow, type WorkOrderDeps, type WorkOrderRow,
} from '../work-orders';
import { linkRefusal, WORK_ORDER_LINK_PURPOSE } from './work-order-link';
import { findLink } from './work-order-link.store';

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, IDEMPOTENCY_CONFLICT: 409, RATE_LIMITED: 429, FEATURE_DISABLED: 503, SERVICE_UNAVAILABLE: 503,
};

/** What the link holder sees of its one work order: the job and its documents, nothing of the office's. */
export function linkView(w: WorkOrderRow, docs: DocumentRow[]) {
  const o = workOrderOut(w);
  return {
    id: o.id, status: o.status, buildingId: o.buildingId, category: o.category, title: o.title, description: o.description, agreedPrice: o.agreedPrice,
    responseDueAt: o.responseDueAt, acceptedAt: o.acceptedAt, declinedAt: o.declinedAt, startedAt: o.startedAt, completionDueAt: o.completionDueAt,
    completedAt: o.completedAt, completionNotes: o.completionNotes, invoice: o.invoice,
    documents: docs.map((d) => ({ id: d.id, kind: d.kind.toUpperCase(), fileName: d.file_name, contentType: d.content_type, sizeBytes: d.size_bytes, sha256: d.sha256, createdAt: d.created_at })),
  };
}

type Action = 'respond' | 'start' | 'documents' | 'complete';
const ACTIONS: readonly Action[] = ['respond', 'start', 'documents', 'complete'];

/**
 * The signed work-order link surface (passed through the gateway, like voting's `/ballot-links` and
 * volunteers' `/volunteer-signups`): `POST /work-order-links/view` and `/respond`, `/start`,
 * `/documents`, `/complete`, each with `{ token, workOrderId, ... }`; every action needs an
 * `Idempotency-Key` header. The link (identity, purpose work_order_access, subject = the work order)
 * is verified against identity's JWKS, checked against vendors' record of it (issued here, not
 * revoked, not expired, the work order still with its vendor), then one use is redeemed at identity
 * (which honours a revocation made there too). The holder then acts as the work order's vendor on
 * that work order only (vendor scope under row-level security, the id taken from the link). Errors
 * answer like GraphQL: `errors[0].extensions.code`, `reason`, `field`.
 */
export function workOrderLinkRoutes(app: express.Express, rt: ServiceRuntime): void {
  const cfg = rt.config as unknown as VendorsConfig;
  let verifier: PublicLinkVerifier | undefined;
  const verify: PublicLinkVerifier = (token, expected) => {
    verifier ??= createPublicLinkVerifier({ jwksUrl: cfg.JWKS_URL ?? (cfg.IDENTITY_URL ? new URL('/.well-known/jwks.json', cfg.IDENTITY_URL).href : undefined), jwksFile: cfg.JWKS_FILE, issuer: cfg.JWT_ISSUER });
    return verifier(token, expected);
  };
  const scope = requestScopeMiddleware('vendors work-order link');
  const metrics = vendorMetrics(rt.metrics.registry);

  const answer = (res: express.Response, work: Promise<unknown>, status = 200) =>
    work.then(
      (out) => res.status(status).json(out),
      (err: unknown) => {
        if (res.headersSent) return;
        if (err instanceof AppError) {
          const { http: _http, ...extensions } = err.extensions as { code: string; http?: unknown; field?: string; retryAfterSeconds?: number };
          // The use cases name GraphQL input fields (input.notes); here the body's own names.
          if (typeof extensions.field === 'string') extensions.field = extensions.field === 'input.id' ? 'workOrderId' : extensions.field.replace(/^input\./, '');
          if (extensions.retryAfterSeconds) res.set('retry-after', String(extensions.retryAfterSeconds));
          res.status(STATUS[extensions.code] ?? 400).json({ errors: [{ message: err.message, extensions }] });
          return;
        }
        rt.log.error({ err }, 'work-order link failed');
        res.status(500).json({ errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL' } }] });
      },
    );

  app.post('/work-order-links/view', jsonBody('16kb'), (req, res) =>
    scope(req, res, () => {
      res.set('cache-control', 'no-store');
      void answer(res, open(req.body).then((l) => act(l, (m) => view(m, l))));
    }),
  );
  app.post('/work-order-links/:action', jsonBody('1mb'), (req, res) =>
    scope(req, res, () => {
      res.set('cache-control', 'no-store');
      const action = req.params.action as Action;
      if (!ACTIONS.includes(action)) {
        res.status(404).json({ errors: [{ message: 'No such work-order link action', extensions: { code: 'NOT_FOUND' } }] });
        return;
      }
      void answer(res, mutate(action, req.body ?? {}, req.get('idempotency-key')), action === 'documents' ? 201 : 200);
    }),
  );

  interface OpenLink {
    claims: PublicLinkClaims;
    vendorId: string;
    workOrderId: string;
  }

  /** Verifies the link, checks vendors' record of it and the work order, then redeems one use at identity. */
  async function open(body: unknown): Promise<OpenLink> {
    const b = (body ?? {}) as { token?: unknown; workOrderId?: unknown };
    if (typeof b.token !== 'string' || !b.token || b.token.length > 4096) throw new AppError('UNAUTHENTICATED', 'This link is not valid', { details: { reason: 'invalid' } });
    if (typeof b.workOrderId !== 'string' || !b.workOrderId) throw badInput('workOrderId', 'workOrderId is required');
    if (!cfg.IDENTITY_URL) throw new AppError('FEATURE_DISABLED', 'Work-order links are not configured here (IDENTITY_URL)');
    // Signature, expiry, purpose, and the subject: a link for another work order (or tenant) opens nothing here.
    const expected = { purpose: WORK_ORDER_LINK_PURPOSE, subjectId: b.workOrderId };
    const claims = await verify(b.token, expected);
    for (const flag of ['ENABLE_VENDORS', 'ENABLE_VENDOR_PORTAL'] as const) if (!(await rt.flags.isOn(flag, claims.tenantId))) throw featureDisabled(flag);
    const link = await withTenant(rt.ds, { tenantId: claims.tenantId, scope: accessScope(claims.scope) }, async (m) => {
      const l = await findLink(m, claims.tenantId, claims.linkId);
      const w = l ? await findWorkOrder(m, claims.tenantId, l.work_order_id) : null;
      const refusal = linkRefusal(l, claims.subjectId, w, new Date());
      if (refusal) throw refusal;
      return l!;
    });
    await redeemPublicLink({ identityUrl: cfg.IDENTITY_URL, verify }, b.token, expected).catch((err: unknown) => {
      if (err instanceof AppError) throw err;
      // identity unreachable: retryable (the same Idempotency-Key is safe), never a 500.
      throw new AppError('SERVICE_UNAVAILABLE', 'identity could not be reached to check the link; retry', { details: { reason: 'identity_unreachable' } });
    });
    return { claims, vendorId: link.vendor_id, workOrderId: link.work_order_id };
  }

  /** Runs `fn` as the link's vendor: tenant of the link, scope `vendor:<id>` (row-level security). */
  const act = <T>(l: OpenLink, fn: (m: EntityManager) => Promise<T>) => withTenant(rt.ds, { tenantId: l.claims.tenantId, scope: accessScope([`vendor:${l.vendorId}`]) }, fn);

  async function view(m: EntityManager, l: OpenLink) {
    const w = await findWorkOrder(m, l.claims.tenantId, l.workOrderId);
    if (!w) throw new AppError('FORBIDDEN', 'The work order is no longer with the vendor this link was issued for', { details: { reason: 'vendor_changed' } });
    return { workOrder: linkView(w, await documentsOf(m, l.claims.tenantId, [w.id])), link: { id: l.claims.linkId, expiresAt: l.claims.expiresAt.toISOString() } };
  }

  async function mutate(action: Action, body: Record<string, unknown>, key: string | undefined) {
    if (typeof key !== 'string' || key.length < 1 || key.length > 200) throw badInput('Idempotency-Key', 'An Idempotency-Key header of 1 to 200 characters is required');
    const l = await open(body);
    const { token: _t, workOrderId: _w, idempotencyKey: _k, id: _i, ...fields } = body;
    // Keys live per link: another link's (or the portal's) key never replays into this one.
    const idempotencyKey = `link:${l.claims.linkId}:${key}`;
    const cmd = (input: Record<string, unknown>) => ({ tenantId: l.claims.tenantId, actor: `work-order-link:${l.claims.linkId}`, scope: accessScope([`vendor:${l.vendorId}`]), input: { ...input, idempotencyKey } });
    const afterCommit: AfterCommit = [];
    const deps: WorkOrderDeps = { registry: rt.registry, afterCommit, onBreach: (kind) => metrics.slaBreaches.inc({ kind }) };
    const out = await act(l, async (m) => {
      afterCommit.length = 0; // a retried transaction starts its after-commit list again
      if (action === 'documents') {
        const id = await uploadDocument(m, documentStorage(rt), documentMaxBytes(rt), cmd({ ...fields, workOrderId: l.workOrderId }));
        const doc = (await documentsOf(m, l.claims.tenantId, [l.workOrderId])).find((d) => d.id === id)!;
        return { document: linkView((await findWorkOrder(m, l.claims.tenantId, l.workOrderId))!, [doc]).documents[0] };
      }
      if (action === 'respond') await respondToWorkOrder(m, deps, cmd({ ...fields, id: l.workOrderId }));
      else if (action === 'start') await startWorkOrder(m, cmd({ id: l.workOrderId }));
      else await completeWorkOrder(m, deps, cmd({ ...fields, id: l.workOrderId }));
      return view(m, l);
    });
    for (const f of afterCommit) f();
    return out;
  }
}
