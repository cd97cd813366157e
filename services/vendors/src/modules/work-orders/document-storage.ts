import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ServiceRuntime } from '@commonhold/kit';
import type { VendorsConfig } from '../../config';

/** Where work-order documents' bytes live; the database keeps the metadata and the checksum. */
export interface DocumentStorage {
  /** Stores the bytes under a key derived from tenant and checksum (same bytes → same key); returns the key. */
  put(tenantId: string, sha256: string, bytes: Buffer): Promise<string>;
  get(key: string): Promise<Buffer>;
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The filesystem driver: `<root>/<tenant>/<sha256[0..2]>/<sha256>`, written to a temporary name and
 * renamed (a reader never sees half a file). Content-addressed, so a retried upload rewrites the
 * same file, and a file left by a rolled-back transaction is harmless.
 */
export class FilesystemDocumentStorage implements DocumentStorage {
  constructor(private readonly root: string) {}

  async put(tenantId: string, sha256: string, bytes: Buffer): Promise<string> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(tenantId) || !/^[0-9a-f]{64}$/.test(sha256)) throw new Error('invalid document key');
    const key = `${tenantId}/${sha256.slice(0, 2)}/${sha256}`;
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    return key;
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  private path(key: string): string {
    const p = resolve(this.root, key);
    if (!p.startsWith(resolve(this.root))) throw new Error('document key escapes the storage root');
    return join(p);
  }
}

const storages = new WeakMap<ServiceRuntime, DocumentStorage>();
/** The runtime's document storage (the filesystem driver under VENDOR_DOCUMENTS_DIR). */
export function documentStorage(rt: ServiceRuntime): DocumentStorage {
  let s = storages.get(rt);
  if (!s) storages.set(rt, (s = new FilesystemDocumentStorage((rt.config as unknown as VendorsConfig).VENDOR_DOCUMENTS_DIR ?? '.data/vendor-documents')));
  return s;
}
export const documentMaxBytes = (rt: ServiceRuntime) => (rt.config as unknown as VendorsConfig).VENDOR_DOCUMENT_MAX_BYTES ?? 512 * 1024;

