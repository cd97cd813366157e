import { bucketRange, queueStatus } from './queue';

describe('queueStatus', () => {
  it.each([
    [null, 'overdue'],
    ['kept', 'overdue'],
    ['active', 'promise_active'],
    ['broken', 'promise_broken'],
  ] as const)('latest promise %p → %s', (latest, status) => expect(queueStatus(latest)).toBe(status));
});

describe('bucketRange', () => {
  it.each([
    [null, null],
    ['D0_30', { min: 1, max: 30 }],
    ['D31_60', { min: 31, max: 60 }],
    ['D61_90', { min: 61, max: 90 }],
    ['D90_PLUS', { min: 91, max: Number.MAX_SAFE_INTEGER }],
  ])('%p → %p', (bucket, range) => expect(bucketRange(bucket)).toEqual(range));
  it('refuses NOT_DUE (not in arrears) naming filter.bucket', () =>
    expect(() => bucketRange('NOT_DUE')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'filter.bucket' }) })));
});
