import { AppError, ERROR_CODES, type ErrorCode } from '@commonhold/kit';

/** What vendors asks identity for: a signed `work_order_access` link (identity's createPublicLink terms). */
export interface LinkRequest {
  purpose: 'work_order_access';
  subjectId: string;
  scope: string[];
  expiresAt: string;
  maxUses: number;
  idempotencyKey: string;
}

/**
 * identity's public links, asked for as the calling user (their Authorization header): identity
 * applies its own rules (`public-links:write`, a link's scope within the caller's, at most
 * PUBLIC_LINK_MAX_DAYS) and audits the creation under that user. Both calls are idempotent there.
 */
export interface PublicLinkIssuer {
  create(authorization: string, input: LinkRequest): Promise<{ linkId: string; token: string }>;
  revoke(authorization: string, input: { linkId: string; idempotencyKey: string }): Promise<void>;
}

const CREATE = `mutation($input: CreatePublicLinkInput!) { createPublicLink(input: $input) { token link { id } } }`;
const REVOKE = `mutation($input: RevokePublicLinkInput!) { revokePublicLink(input: $input) { link { id revokedAt } } }`;

/** identity's input fields as vendors' mutation names them (an error names the caller's field). */
const FIELDS: Record<string, string> = { 'input.expiresAt': 'input.expiresInHours', 'input.subjectId': 'input.workOrderId', 'input.linkId': 'input.linkId' };

/** The HTTP issuer: identity's GraphQL endpoint (`<IDENTITY_URL>/graphql`), typed errors passed on. */
export function httpPublicLinkIssuer(identityUrl: string | undefined, fetchImpl: typeof fetch = fetch): PublicLinkIssuer {
  async function call<T>(authorization: string, query: string, input: Record<string, unknown>): Promise<T> {
    if (!identityUrl) throw new AppError('FEATURE_DISABLED', 'Work-order links are not configured here (IDENTITY_URL)');
    let res: Response;
    try {
      res = await fetchImpl(new URL('/graphql', identityUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query, variables: { input } }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'identity could not be reached to sign the link; retry with the same idempotency key');
    }
    const body = (await res.json().catch(() => null)) as { data?: T; errors?: { message?: string; extensions?: Record<string, unknown> }[] } | null;
    const e = body?.errors?.[0];
    if (e || !body?.data) {
      const ext = e?.extensions ?? {};
      const code = (ERROR_CODES as readonly string[]).includes(ext.code as string) ? (ext.code as ErrorCode) : 'SERVICE_UNAVAILABLE';
      const { code: _c, field, http: _h, ...details } = ext as { code?: unknown; field?: string; http?: unknown };
      throw new AppError(code === 'INTERNAL' ? 'SERVICE_UNAVAILABLE' : code, e?.message ?? 'identity did not sign the link', {
        ...(typeof field === 'string' ? { field: FIELDS[field] ?? field } : {}),
        details: { ...details, at: 'identity' },
      });
    }
    return body.data;
  }
  return {
    async create(authorization, input) {
      const d = await call<{ createPublicLink: { token: string; link: { id: string } } }>(authorization, CREATE, { ...input });
      return { linkId: d.createPublicLink.link.id, token: d.createPublicLink.token };
    },
    async revoke(authorization, input) {
      await call(authorization, REVOKE, { ...input });
    },
  };
}
