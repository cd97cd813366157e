import { decimalToMinor, splitName, str, type IntakeAction } from './types';

/** A donation as JustGiving's API returns it (`GET /{appId}/v1/donation/{id}`). */
export interface JustGivingDonation {
  id: number;
  amount: string;
  currencyCode: string;
  /** WCF date: `/Date(1762941600000+0000)/`. */
  donationDate: string;
  donationRef: string | null;
  donorDisplayName: string | null;
  donorRealName?: string | null;
  donorLocalAmount?: string | null;
  donorLocalCurrencyCode?: string | null;
  estimatedTaxReclaim?: number | null;
  message?: string | null;
  source?: string | null;
  status: string;
  thirdPartyReference?: string | null;
  charityId?: number | null;
  pageShortName?: string | null;
}

/** Pull, never push: donations are only ever read from JustGiving's API through this. */
export interface JustGivingClient {
  /** Donations to the charity made at or after `since`. */
  listDonations(since: Date): Promise<JustGivingDonation[]>;
  /** One donation, or null when JustGiving does not know it. */
  getDonation(id: string): Promise<JustGivingDonation | null>;
}

export const justGivingBaseUrl = (sandbox: boolean) => (sandbox ? 'https://api.sandbox.justgiving.com' : 'https://api.justgiving.com');

/** Production client: JustGiving's REST API with the tenant's app id (`x-api-key`) and charity id. */
export function justGivingApiClient(appId: string, charityId: string, sandbox: boolean): JustGivingClient {
  const base = justGivingBaseUrl(sandbox);
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': appId, accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`JustGiving GET ${path.split('?')[0]} failed with HTTP ${res.status}`);
    return res.json();
  };
  return {
    async listDonations(since) {
      const out: JustGivingDonation[] = [];
      for (let page = 1; page <= 100; page++) {
        const body = (await get(
          `/v1/charity/${encodeURIComponent(charityId)}/donations?startDate=${since.toISOString().slice(0, 10)}&pageSize=100&pageNum=${page}`,
        )) as { donations?: JustGivingDonation[]; pagination?: { totalPages?: number } } | null;
        out.push(...(body?.donations ?? []));
        if (!body?.pagination?.totalPages || page >= body.pagination.totalPages) break;
      }
      return out.filter((d) => parseJustGivingDate(d.donationDate) >= since.toISOString());
    },
    getDonation: async (id) => (await get(`/v1/donation/${encodeURIComponent(id)}`)) as JustGivingDonation | null,
  };
}

/** `/Date(1762941600000+0000)/` (or ISO text) → ISO instant; '' when unreadable. */
export function parseJustGivingDate(v: unknown): string {
  if (typeof v !== 'string') return '';
  const wcf = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(v);
  if (wcf) return new Date(Number(wcf[1])).toISOString();
  const t = Date.parse(v);
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
}

/** The inbox id of a donation in a given status: a later status change is a new event. */
export const justGivingEventId = (d: JustGivingDonation) => `donation-${d.id}-${String(d.status).toLowerCase()}`;

/** Anonymous donors share one contact per tenant (customer ref "anonymous"). */
export const ANONYMOUS = 'anonymous';

export function mapJustGivingDonation(d: JustGivingDonation): IntakeAction {
  const paymentRef = String(d.id);
  const amount = { amountMinor: decimalToMinor(d.amount, d.currencyCode), currency: d.currencyCode };
  switch (d.status) {
    case 'Accepted': {
      const name = splitName(str(d.donorRealName) ?? str(d.donorDisplayName));
      const anonymous = !name.lastName || /^anonymous$/i.test(String(d.donorDisplayName ?? '')) && !str(d.donorRealName);
      return {
        kind: 'PAYMENT',
        paymentRef,
        amount,
        receivedAt: parseJustGivingDate(d.donationDate),
        donor: anonymous ? { customerRef: ANONYMOUS, firstName: null, lastName: 'Anonymous (JustGiving)' } : name,
        agreementRef: null,
        paymentMethod: 'JUSTGIVING',
      };
    }
    case 'Refunded':
      return { kind: 'REFUND', paymentRef, refundRef: `${paymentRef}-refund`, amount, refundedAt: parseJustGivingDate(d.donationDate), reason: null };
    default:
      return { kind: 'IGNORE', reason: `JustGiving donation status ${d.status}` };
  }
}
