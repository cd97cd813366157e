import { checkAwardable, checkClosable, checkStatusMove, fundCode, optionalDate, renewalDue, REQUEST_STATUSES, type RequestStatus } from './request';

const code = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: { code: string; reason?: string; details?: { reason?: string } } }).extensions;
  }
  return undefined;
};

describe('checkStatusMove (the OFM pipeline by hand)', () => {
  it.each<[RequestStatus, RequestStatus]>([
    ['INVITED', 'IN_PROGRESS'],
    ['IN_PROGRESS', 'SUBMITTED'],
    ['SUBMITTED', 'IN_REVIEW'],
    ['IN_REVIEW', 'REVIEWED'],
    ['REVIEWED', 'IN_REVIEW'],
    ['SUBMITTED', 'REJECTED'],
    ['IN_REVIEW', 'WITHDRAWN'],
    ['INVITED', 'WITHDRAWN'],
  ])('allows %s → %s', (from, to) => expect(() => checkStatusMove(from, to)).not.toThrow());

  it.each<[RequestStatus, RequestStatus]>([
    ['INVITED', 'SUBMITTED'],
    ['IN_PROGRESS', 'IN_REVIEW'],
    ['REJECTED', 'IN_PROGRESS'],
    ['WITHDRAWN', 'SUBMITTED'],
    ['CLOSED', 'IN_PROGRESS'],
    ['AWARDED', 'REJECTED'],
    ['SUBMITTED', 'AWARDED'],
    ['AWARDED', 'CLOSED'],
    ['AWARDED', 'FULLY_DISBURSED'],
  ])('refuses %s → %s as CONFLICT naming input.status', (from, to) => {
    expect(code(() => checkStatusMove(from, to))).toMatchObject({ code: 'CONFLICT', field: 'input.status' });
  });

  it('every status is a known one and a no-op move is allowed', () => {
    for (const s of REQUEST_STATUSES) expect(() => checkStatusMove(s, s)).not.toThrow();
  });
});

describe('checkAwardable', () => {
  it.each<RequestStatus>(['SUBMITTED', 'IN_REVIEW', 'REVIEWED'])('awards from %s', (s) => expect(() => checkAwardable(s)).not.toThrow());
  it.each<RequestStatus>(['INVITED', 'IN_PROGRESS', 'AWARDED', 'REJECTED', 'WITHDRAWN', 'CLOSED'])('refuses from %s', (s) => expect(code(() => checkAwardable(s))).toMatchObject({ code: 'CONFLICT' }));
});

describe('checkClosable (Fluxx: closes only after the final report is approved)', () => {
  const report = (status: string, finalReport = true) => ({ type: 'REPORT', finalReport, status });
  it('closes an awarded or fully disbursed grant whose final report is approved', () => {
    expect(() => checkClosable('AWARDED', [report('APPROVED'), report('OPEN', false)])).not.toThrow();
    expect(() => checkClosable('FULLY_DISBURSED', [report('APPROVED')])).not.toThrow();
  });
  it.each([
    ['no final report at all', [] as ReturnType<typeof report>[]],
    ['only an interim report approved', [report('APPROVED', false)]],
    ['the final report still open', [report('OPEN')]],
    ['the final report submitted, not approved', [report('SUBMITTED')]],
    ['one of two final reports pending', [report('APPROVED'), report('SUBMITTED')]],
  ])('refuses with FINAL_REPORT_PENDING: %s', (_label, reqs) => {
    expect(code(() => checkClosable('AWARDED', reqs))).toMatchObject({ code: 'CONFLICT', field: 'input.requestId', reason: 'FINAL_REPORT_PENDING' });
  });
  it('refuses a request never awarded', () => {
    expect(code(() => checkClosable('SUBMITTED', [report('APPROVED')]))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_AWARDED' });
  });
});

describe('renewalDue', () => {
  const grant = (overrides: Partial<{ status: RequestStatus; endDate: string | null; renewed: boolean }> = {}) => ({ status: 'AWARDED' as RequestStatus, endDate: '2027-03-31', renewed: false, ...overrides });
  it.each([
    ['90 days before the end', grant(), '2026-12-31', true],
    ['91 days before the end', grant(), '2026-12-30', false],
    ['on the end date', grant(), '2027-03-31', true],
    ['already renewed', grant({ renewed: true }), '2027-01-15', false],
    ['no end date', grant({ endDate: null }), '2027-01-15', false],
    ['not awarded', grant({ status: 'SUBMITTED' }), '2027-01-15', false],
    ['closed grants are renewed too', grant({ status: 'CLOSED' }), '2027-01-15', true],
    ['long past its end', grant(), '2027-07-01', false],
  ])('%s', (_l, g, today, due) => expect(renewalDue(g, today, 90)).toBe(due));
});

describe('input rules', () => {
  it('reads dates as YYYY-MM-DD real days', () => {
    expect(optionalDate('input.endDate', '2027-02-28')).toBe('2027-02-28');
    expect(optionalDate('input.endDate', null)).toBeNull();
    for (const bad of ['2027-02-30', '28/02/2027', 20270228, '2027-2-8']) expect(code(() => optionalDate('input.endDate', bad))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.endDate' });
  });
  it('upper-cases fund codes and refuses odd ones', () => {
    expect(fundCode(' youth-2027 ')).toBe('YOUTH-2027');
    expect(fundCode(null)).toBeNull();
    expect(code(() => fundCode('no spaces'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.fundCode' });
  });
});
