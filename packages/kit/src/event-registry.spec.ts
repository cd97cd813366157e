import { caught } from '@commonhold/testing/src/caught';
import { EventRegistry, EventValidationError, type EventContract } from './event-registry';

const GIFT = 'commonhold.test.gift.recorded.v1';
const NOTE = 'commonhold.test.note.added.v1';

const contracts: EventContract[] = [
  {
    type: GIFT,
    topic: 'test.gift',
    producer: 'test',
    consumers: ['test.rollups'],
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['giftId', 'amountMinor', 'currency'],
      properties: {
        giftId: { type: 'string', format: 'uuid' },
        amountMinor: { type: 'integer', minimum: 1 },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        receivedAt: { type: 'string', format: 'date-time' },
      },
    },
  },
  { type: NOTE, topic: 'test.note', producer: 'test', consumers: [], schema: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } } },
];

const validGift = { giftId: '3b241101-e2bb-4255-8caf-4136c566a962', amountMinor: 500, currency: 'GBP', receivedAt: '2026-11-22T10:15:00Z' };


describe('EventRegistry', () => {
  const sut = new EventRegistry(contracts);

  it('lists its types and returns contracts by type', () => {
    expect(sut.types().sort()).toEqual([GIFT, NOTE].sort());
    expect(sut.contract(GIFT)).toMatchObject({ topic: 'test.gift', producer: 'test', consumers: ['test.rollups'] });
  });

  it('accepts data matching the contract', () => {
    expect(() => sut.validate(GIFT, validGift)).not.toThrow();
    expect(() => sut.validate(NOTE, { text: 'hi', anything: 1 })).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    ['missing required field', { ...validGift, currency: undefined }, "must have required property 'currency'"],
    ['wrong type', { ...validGift, amountMinor: '500' }, '/amountMinor must be integer'],
    ['below minimum', { ...validGift, amountMinor: 0 }, '/amountMinor must be >= 1'],
    ['bad uuid format', { ...validGift, giftId: 'gift-1' }, '/giftId must match format "uuid"'],
    ['bad date-time format', { ...validGift, receivedAt: 'yesterday' }, '/receivedAt must match format "date-time"'],
    ['pattern mismatch', { ...validGift, currency: 'gbp' }, '/currency must match pattern'],
    ['additional property', { ...validGift, extra: true }, 'must NOT have additional properties'],
    ['not an object', 'a string', '/ must be object'],
  ])('refuses %s, naming the problem', (_name, data, problem) => {
    const err = caught(() => sut.validate(GIFT, JSON.parse(JSON.stringify(data))), EventValidationError);
    expect(err.eventType).toBe(GIFT);
    expect(err.errors).toContain(problem);
    expect(err.message).toContain(`Event ${GIFT} does not match its contract`);
  });

  it('reports every problem at once (allErrors)', () => {
    const err = caught(() => sut.validate(GIFT, { giftId: 'x', amountMinor: 1.5, currency: 'GBP' }), EventValidationError);
    expect(err.errors.split('; ')).toHaveLength(2);
  });

  it('refuses unknown event types on validate and contract lookup', () => {
    expect(caught(() => sut.validate('commonhold.test.nope.v1', {}), EventValidationError).errors).toBe('unknown event type');
    expect(caught(() => sut.contract('commonhold.test.nope.v1'), EventValidationError).errors).toBe('unknown event type');
  });

  it('refuses a contract with an unknown schema keyword (strict mode)', () => {
    expect(() => new EventRegistry([{ ...contracts[1]!, schema: { type: 'object', properties: { text: { type: 'string', maxLenght: 5 } } } }])).toThrow(/unknown keyword/);
  });
});
