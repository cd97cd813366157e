import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, notFound, oneOf, requiredText, writeAudit } from '@commonhold/kit';
import type { Command } from '../vendors';
import { sha256Hex, type DocumentStorage } from './document-storage';
import { findWorkOrder, insertDocument } from './work-order.store';

export const DOCUMENT_KINDS = ['estimate', 'invoice', 'completion'] as const;
/** Types accepted, checked against the file's own magic bytes, not only the declared type. */
export const DOCUMENT_TYPES: Record<string, (b: Buffer) => boolean> = {
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};
/** Where each kind may be uploaded: estimates once offered, invoices and proof while working. */
const OPEN_FOR: Record<(typeof DOCUMENT_KINDS)[number], readonly string[]> = {
  estimate: ['offered', 'accepted', 'in_progress'],
  invoice: ['accepted', 'in_progress', 'completed'],
  completion: ['in_progress'],
};

/** Vendor portal: stores a document's bytes (size, type and checksum checked), then its metadata. */
export function uploadDocument(m: EntityManager, storage: DocumentStorage, maxBytes: number, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'uploadWorkOrderDocument', input, async () => {
    const kind = oneOf('input.kind', DOCUMENT_KINDS, typeof input.kind === 'string' ? input.kind.toLowerCase() : input.kind);
    const fileName = requiredText('input.fileName', input.fileName, 255);
    if (/[\\/\x00-\x1f]/.test(fileName)) throw badInput('input.fileName', 'fileName must not contain slashes or control characters');
    const check = typeof input.contentType === 'string' ? DOCUMENT_TYPES[input.contentType] : undefined;
    if (!check) throw badInput('input.contentType', `contentType must be one of ${Object.keys(DOCUMENT_TYPES).join(', ')}`);
    if (typeof input.contentBase64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(input.contentBase64) || input.contentBase64.length % 4 !== 0) {
      throw badInput('input.contentBase64', 'contentBase64 must be base64');
    }
    if ((input.contentBase64.length / 4) * 3 > maxBytes + 3) throw new AppError('BAD_USER_INPUT', `The document is larger than ${maxBytes} bytes`, { field: 'input.contentBase64', details: { reason: 'TOO_LARGE', maxBytes } });
    const bytes = Buffer.from(input.contentBase64, 'base64');
    if (!bytes.length) throw badInput('input.contentBase64', 'the document is empty');
    if (bytes.length > maxBytes) throw new AppError('BAD_USER_INPUT', `The document is larger than ${maxBytes} bytes`, { field: 'input.contentBase64', details: { reason: 'TOO_LARGE', maxBytes } });
    if (!check(bytes)) throw new AppError('BAD_USER_INPUT', `The bytes are not a ${input.contentType} file`, { field: 'input.contentType', details: { reason: 'TYPE_MISMATCH' } });
    const sha256 = sha256Hex(bytes);
    if (input.sha256 != null && String(input.sha256).toLowerCase() !== sha256) throw new AppError('BAD_USER_INPUT', 'The bytes do not match the given sha256', { field: 'input.sha256', details: { reason: 'CHECKSUM_MISMATCH', sha256 } });
    const w = isUuid(input.workOrderId) ? await findWorkOrder(m, tenantId, input.workOrderId, { lock: true }) : null;
    if (!w) throw notFound('input.workOrderId', 'No such work order');
    if (!OPEN_FOR[kind].includes(w.status)) {
      throw new AppError('CONFLICT', `A ${kind} document cannot be added to a work order that is ${w.status}`, { field: 'input.workOrderId', details: { reason: 'WRONG_STATUS', status: w.status } });
    }
    const storageKey = await storage.put(tenantId, sha256, bytes);
    const id = randomUUID();
    await insertDocument(m, tenantId, { id, workOrderId: w.id, buildingId: w.building_id, vendorId: w.vendor_id, kind, fileName, contentType: input.contentType, sizeBytes: bytes.length, sha256, storageKey, uploadedBy: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'work-order.document-uploaded', entityType: 'work-order', entityId: w.id, after: { documentId: id, kind, fileName, sizeBytes: bytes.length, sha256 } });
    return id;
  });
}
