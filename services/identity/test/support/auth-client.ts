// Test helpers for identity through the gateway: plain-HTTP sign-in calls and people made by invitation.
import { randomUUID } from 'node:crypto';
import type { TestPlatform } from '@commonhold/testing/src/platform';

export interface HttpResult {
  status: number;
  body: any;
  headers: Headers;
}

/** POSTs JSON to a gateway path (e.g. /auth/login), as a browser or app would. */
export async function post(platform: TestPlatform, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const res = await fetch(new URL(path, platform.gateway.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export const key = () => `k-${randomUUID()}`;

const INVITE = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { user { id email status roles scope } invitationUrl } }`;

/**
 * Makes an active member: a development admin token of the tenant invites them through the gateway,
 * then they accept the invitation link with `password`. Returns their id and email.
 */
export async function member(platform: TestPlatform, tenant: string, opts: { roles?: string[]; scope?: string[]; password?: string; email?: string } = {}) {
  const email = opts.email ?? `m-${randomUUID().slice(0, 8)}@example.org`;
  const invited = await platform.as(tenant)(INVITE, { input: { email, displayName: 'Test Member', roles: opts.roles ?? ['fundraiser'], scope: opts.scope ?? ['global'], idempotencyKey: key() } });
  if (invited.errors) throw new Error(JSON.stringify(invited.errors));
  const token = new URL(invited.data.inviteUser.invitationUrl).hash.replace('#token=', '');
  const accepted = await post(platform, '/auth/accept-invitation', { token, password: opts.password ?? 'a long enough passphrase' });
  if (accepted.status !== 200) throw new Error(JSON.stringify(accepted.body));
  return { id: invited.data.inviteUser.user.id as string, email, password: opts.password ?? 'a long enough passphrase', invitationToken: token };
}

/** `Set-Cookie` values of a response, one per cookie. */
export const setCookies = (h: Headers): string[] => h.getSetCookie();

/** name=value pairs of `Set-Cookie` values, as a `Cookie` header would carry them. */
export function cookieHeader(setCookie: string[]): string {
  return setCookie.map((c) => c.split(';')[0]!).filter((p) => !p.endsWith('=')).join('; ');
}
