import type express from 'express';
import { DEV_KEK, parseKeyring, withTenant, writeAudit, type Keyring, type ServiceRuntime } from '@commonhold/kit';
import { EXPORT_ROUTE, verifyExportLink } from './export-link';
import { exportContent } from './exports.store';

const keyrings = new WeakMap<ServiceRuntime, Keyring>();

/** The keyring export links are signed with (the service's `SECRETS_KEKS`, the development key outside production). */
export function linkKeyring(rt: ServiceRuntime): Keyring {
  let k = keyrings.get(rt);
  if (!k) {
    k = parseKeyring(rt.config.SECRETS_KEKS ?? DEV_KEK);
    keyrings.set(rt, k);
  }
  return k;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `GET /bulk-exports/:id?t&exp&kid&sig` (a gateway passthrough route): the signed link is the
 * credential, so no token is needed. A forged or altered link answers 403, an expired one 410, an
 * export not found 404 — each a JSON error with `extensions.code`; the file otherwise, as an
 * attachment, never cached. Every download is audited (actor `export-link`).
 */
export function exportRoutes(app: express.Express, rt: ServiceRuntime): void {
  app.get(`${EXPORT_ROUTE}/:id`, async (req, res) => {
    const fail = (status: number, code: string, reason: string, message: string) => res.status(status).set('cache-control', 'no-store').json({ errors: [{ message, extensions: { code, reason } }] });
    try {
      const id = req.params.id ?? '';
      const check = UUID.test(id) ? verifyExportLink(linkKeyring(rt), id, req.query as Record<string, unknown>) : ({ ok: false, reason: 'invalid' } as const);
      if (!check.ok) {
        if (check.reason === 'expired') return void fail(410, 'FORBIDDEN', 'expired', 'This download link has expired; ask for a new one (bulkExport.downloadUrl)');
        return void fail(403, 'FORBIDDEN', 'invalid', 'This download link is not valid');
      }
      const file = await withTenant(rt.ds, check.tenantId, async (m) => {
        const f = await exportContent(m, check.tenantId, id);
        if (f) await writeAudit(m, { tenantId: check.tenantId, actor: 'export-link', action: 'bulk-export.downloaded', entityType: 'bulk-export', entityId: id, after: { sha256: f.sha256, ip: req.ip ?? null } });
        return f;
      });
      if (!file) return void fail(404, 'NOT_FOUND', 'not_found', 'No such export');
      res
        .status(200)
        .set({
          'content-type': file.content_type,
          'content-disposition': `attachment; filename="${file.filename}"`,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'x-content-sha256': file.sha256,
        })
        .send(file.content);
    } catch (err) {
      rt.log.error({ err }, 'export download failed');
      if (!res.headersSent) fail(500, 'INTERNAL', 'internal', 'Internal error');
    }
  });
}
