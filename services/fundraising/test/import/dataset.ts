/**
 * A deterministic historical-import dataset: `rows` gift rows from about `rows × donorRatio`
 * donors (people and organisations; some with an email, a contact id from the old system, a
 * postcode), amounts and dates in every accepted format, several currencies, campaigns, appeals
 * and funds. Used by the import/dashboard end-to-end tests and by `npm run bench -- import|dashboard`.
 * `expected*` helpers compute what the import and the dashboard must show, independently of the
 * code under test (plain JavaScript over the generated rows).
 */
export interface Donor {
  index: number;
  kind: 'PERSON' | 'ORGANISATION';
  contactExternalId: string | null;
  title: string | null;
  firstName: string | null;
  lastName: string;
  organisationName: string | null;
  email: string | null;
  houseNameOrNumber: string | null;
  addressLine1: string | null;
  city: string | null;
  postcode: string | null;
}

export interface GiftRow {
  externalId: string;
  donor: Donor;
  amountMinor: number;
  amountText: string;
  currency: string;
  receivedAt: string; // ISO instant
  receivedText: string;
  paymentMethod: string;
  campaignCode: string | null;
  appealCode: string | null;
  fundCode: string | null;
}

export interface Dataset {
  donors: Donor[];
  gifts: GiftRow[];
  csv: string;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const FIRST = ['Ada', 'Alan', 'Grace', 'Mary', 'John', 'Jane', 'Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Leo', 'Ivy', 'Arthur', 'Freya', 'Oscar', 'Lily'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson'];
const TITLES = ['Mr', 'Mrs', 'Ms', 'Dr', 'Miss', null];
const ORGS = ['Trust', 'Foundation', 'Ltd', 'Charitable Trust', 'plc', 'Partners'];
const POSTCODES = ['SW1A 1AA', 'EC1A 1BB', 'W1A 0AX', 'M1 1AE', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'LS1 4AP', 'BS1 5TR', 'G2 1DY', 'EH1 1YZ', 'CF10 1EP', 'NE1 7RU', 'L1 8JQ', 'OX1 2JD', 'CB2 1TN', 'BT1 5GS', 'SO14 7DU', 'NG1 5FS', 'YO1 7HH'];
const CITIES = ['London', 'Manchester', 'Birmingham', 'Leeds', 'Bristol', 'Glasgow', 'Edinburgh', 'Cardiff', 'Newcastle', 'Liverpool'];
const METHODS = ['CASH', 'CHEQUE', 'CARD', 'Direct Debit', 'BANK_TRANSFER', 'standing-order', 'PAYPAL', 'JUSTGIVING', ''];
const CAMPAIGNS = ['SPRING', 'SUMMER-FAIR', 'WINTER', 'LEGACY'];
const APPEALS = ['SPRING-MAIL', 'SPRING-EMAIL', 'FAIR-DOOR', 'WINTER-MAIL', 'WINTER-TV', 'GENERAL'];
const FUNDS = ['GENERAL', 'BUILDING', 'HARDSHIP'];
const AMOUNTS = [300, 500, 1000, 1000, 1500, 2000, 2500, 2500, 3000, 5000, 5000, 7500, 10000, 25000, 50000, 100000, 1234, 999];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Formats minor units in one of the accepted ways ("25", "25.5", "25.50", "1,250.00"). */
function amountText(minor: number, style: number): string {
  const whole = Math.floor(minor / 100);
  const pence = minor % 100;
  if (style === 0 && pence === 0) return String(whole);
  if (style === 1 && pence % 10 === 0) return `${whole}.${pence / 10}`;
  if (style === 2 && whole >= 1000) return `${whole.toLocaleString('en-GB')}.${pad(pence)}`;
  return `${whole}.${pad(pence)}`;
}

const csvCell = (v: string | null) => (v === null ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export const CSV_HEADER =
  'external_id,contact_external_id,title,first_name,last_name,organisation_name,email,house_name_or_number,address_line1,address_line2,city,postcode,country,amount,currency,received_at,payment_method,campaign_code,appeal_code,fund_code';

export function toCsv(gifts: GiftRow[]): string {
  const lines = [CSV_HEADER];
  for (const g of gifts) {
    const d = g.donor;
    lines.push(
      [g.externalId, d.contactExternalId, d.title, d.firstName, d.kind === 'PERSON' ? d.lastName : null, d.organisationName, d.email, d.houseNameOrNumber, d.addressLine1, null, d.city, d.postcode, d.postcode ? 'GB' : '', g.amountText, g.currency === 'GBP' && g.externalId.endsWith('7') ? '' : g.currency, g.receivedText, g.paymentMethod, g.campaignCode, g.appealCode, g.fundCode]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `rows` gifts over `donors` donors (each donor at least one gift, a few give often), dated
 * between `from` and `to` (calendar dates, UTC).
 */
export function generateDataset(opts: { rows: number; donors?: number; seed?: number; from?: string; to?: string; prefix?: string }): Dataset {
  const r = prng(opts.seed ?? 42);
  const nDonors = opts.donors ?? Math.max(1, Math.round(opts.rows * 0.3));
  const prefix = opts.prefix ?? 'G';
  const fromMs = Date.parse(`${opts.from ?? '2023-04-01'}T00:00:00Z`);
  const toMs = Date.parse(`${opts.to ?? '2026-10-31'}T00:00:00Z`);
  const donors: Donor[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < nDonors; i++) {
    const org = r.chance(0.08);
    const postcode = r.chance(0.85) ? r.pick(POSTCODES) : null;
    let firstName: string | null = null;
    let lastName: string;
    // Distinct donors never share name + postcode, email or contact id (the matching rules would,
    // rightly, make them one contact).
    for (let n = 0; ; n++) {
      firstName = org ? null : r.pick(FIRST);
      lastName = org ? `${r.pick(LAST)} ${r.pick(ORGS)}` : r.pick(LAST);
      if (n > 3) lastName = `${lastName}-${i.toString(36)}`;
      const key = `${firstName}|${lastName}|${postcode}`.toLowerCase();
      if (!usedNames.has(key)) {
        usedNames.add(key);
        break;
      }
    }
    const email = r.chance(0.7) ? `${(firstName ?? 'info').toLowerCase()}.${lastName.toLowerCase().replace(/[^a-z0-9]+/g, '')}.${i}@example.org` : null;
    donors.push({
      index: i,
      kind: org ? 'ORGANISATION' : 'PERSON',
      contactExternalId: r.chance(0.5) ? `C-${prefix}-${i}` : null,
      title: org ? null : r.pick(TITLES),
      firstName,
      lastName,
      organisationName: org ? lastName : null,
      email,
      houseNameOrNumber: postcode ? String(r.int(1, 200)) : null,
      addressLine1: postcode ? `${r.pick(['High', 'Church', 'Station', 'Mill', 'Park'])} ${r.pick(['Street', 'Road', 'Lane'])}` : null,
      city: postcode ? r.pick(CITIES) : null,
      postcode,
    });
  }
  // Every donor gives once; the rest of the gifts go mostly to a frequent fifth of the donors.
  const owner: number[] = donors.map((d) => d.index);
  while (owner.length < opts.rows) owner.push(r.chance(0.7) ? r.int(0, Math.max(0, Math.floor(nDonors / 5) - 1)) : r.int(0, nDonors - 1));
  owner.length = opts.rows;
  for (let i = owner.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [owner[i], owner[j]] = [owner[j]!, owner[i]!];
  }
  const gifts: GiftRow[] = owner.map((di, i) => {
    const minor = r.pick(AMOUNTS) + (r.chance(0.1) ? r.int(1, 99) : 0);
    const currency = r.chance(0.95) ? 'GBP' : 'EUR';
    const t = new Date(fromMs + Math.floor(r.next() * (toMs - fromMs + 86_400_000)));
    const style = r.int(0, 2);
    let receivedAt: string;
    let receivedText: string;
    const date = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
    if (style === 0) {
      receivedAt = `${date}T00:00:00.000Z`;
      receivedText = date;
    } else if (style === 1) {
      receivedAt = `${date}T00:00:00.000Z`;
      receivedText = `${pad(t.getUTCDate())}/${pad(t.getUTCMonth() + 1)}/${t.getUTCFullYear()}`;
    } else {
      t.setUTCMilliseconds(0);
      receivedAt = t.toISOString();
      receivedText = receivedAt.replace('.000Z', 'Z');
    }
    const campaignCode = r.chance(0.75) ? r.pick(CAMPAIGNS) : null;
    return {
      externalId: `${prefix}-${i + 1}`,
      donor: donors[di]!,
      amountMinor: minor,
      amountText: amountText(minor, r.int(0, 2)),
      currency,
      receivedAt,
      receivedText,
      paymentMethod: r.pick(METHODS),
      campaignCode,
      appealCode: campaignCode && r.chance(0.7) ? r.pick(APPEALS) : null,
      fundCode: r.chance(0.8) ? r.pick(FUNDS) : null,
    };
  });
  return { donors, gifts, csv: toCsv(gifts) };
}

/** Per donor index: gift count, and total per currency. */
export function expectedGiving(ds: Dataset) {
  const out = new Map<number, { giftCount: number; totals: Record<string, number>; lastGiftAt: string }>();
  for (const g of ds.gifts) {
    const e = out.get(g.donor.index) ?? { giftCount: 0, totals: {}, lastGiftAt: '' };
    e.giftCount++;
    e.totals[g.currency] = (e.totals[g.currency] ?? 0) + g.amountMinor;
    if (g.receivedAt > e.lastGiftAt) e.lastGiftAt = g.receivedAt;
    out.set(g.donor.index, e);
  }
  return out;
}

/** The dashboard for a dataset, fiscal year starting in April, gifts of `currency` in from..to. */
export function expectedDashboard(gifts: GiftRow[], opts: { from: string; to: string; currency: string; fiscalStartMonth?: number }) {
  const start = opts.fiscalStartMonth ?? 4;
  const day = (iso: string) => iso.slice(0, 10);
  const inRange = gifts.filter((g) => g.currency === opts.currency && day(g.receivedAt) >= opts.from && day(g.receivedAt) <= opts.to);
  const sumBy = (key: (g: GiftRow) => string | null) => {
    const m = new Map<string | null, { total: number; giftCount: number }>();
    for (const g of inRange) {
      const k = key(g);
      const e = m.get(k) ?? { total: 0, giftCount: 0 };
      e.total += g.amountMinor;
      e.giftCount++;
      m.set(k, e);
    }
    return m;
  };
  const fy = (d: string) => (Number(d.slice(5, 7)) >= start ? Number(d.slice(0, 4)) : Number(d.slice(0, 4)) - 1);
  const thisFy = fy(opts.to);
  const fyStart = (y: number) => `${y}-${pad(start)}-01`;
  const lastTo = `${Number(opts.to.slice(0, 4)) - 1}${opts.to.slice(4)}`;
  const cur = gifts.filter((g) => g.currency === opts.currency);
  const sum = (xs: GiftRow[]) => xs.reduce((s, g) => s + g.amountMinor, 0);
  const thisYear = sum(cur.filter((g) => day(g.receivedAt) >= fyStart(thisFy) && day(g.receivedAt) <= opts.to));
  const lastYearToDate = sum(cur.filter((g) => day(g.receivedAt) >= fyStart(thisFy - 1) && day(g.receivedAt) <= lastTo));
  const lastYear = sum(cur.filter((g) => day(g.receivedAt) >= fyStart(thisFy - 1) && day(g.receivedAt) < fyStart(thisFy)));
  const donorsIn = (a: string, b: string) => new Set(gifts.filter((g) => day(g.receivedAt) >= a && day(g.receivedAt) <= b).map((g) => g.donor.index));
  const lastDonors = donorsIn(fyStart(thisFy - 1), `${thisFy}-${pad(start)}-00`);
  const thisDonors = donorsIn(fyStart(thisFy), opts.to);
  const retained = [...lastDonors].filter((d) => thisDonors.has(d)).length;
  const byDonor = sumBy((g) => String(g.donor.index));
  const top = [...byDonor.entries()].map(([k, v]) => ({ donor: Number(k), ...v })).sort((a, b) => b.total - a.total);
  return {
    total: sum(inRange),
    giftCount: inRange.length,
    byMonth: sumBy((g) => g.receivedAt.slice(0, 7)),
    byCampaign: sumBy((g) => g.campaignCode),
    byAppeal: sumBy((g) => g.appealCode),
    byFund: sumBy((g) => g.fundCode),
    fiscalYear: thisFy,
    thisYear,
    lastYearToDate,
    lastYear,
    retention: { lastYearDonors: lastDonors.size, thisYearDonors: thisDonors.size, retainedDonors: retained },
    top,
  };
}
