import { defaultSchemasDir, EventRegistry } from '@commonhold/kit';
import type { ContactFields } from './contact';
import { contactCreated, contactErased, contactMerged, contactUpdated } from './contact.events';

const registry = EventRegistry.fromDirectory(`${defaultSchemasDir()}/events`);
const ID = '6f1c2f7e-6a55-4b8e-9a37-0f6f5c1d2e3a';
const OTHER = '0b9d7c1e-2f3a-4c5d-8e9f-a0b1c2d3e4f5';
const buildFields = (overrides: Partial<ContactFields> = {}): ContactFields => ({
  kind: 'PERSON',
  title: 'Ms.',
  firstName: 'Ada',
  lastName: 'Lovelace',
  organisationName: null,
  email: 'ada@example.org',
  phone: null,
  address: { houseNameOrNumber: '10', line1: 'Downing Street', line2: null, city: 'London', postcode: 'SW1A 2AA', country: 'GB' },
  excludeFromHouseholdName: false,
  ...overrides,
});
const valid = (e: { type: string; data: unknown }) => () => registry.validate(e.type, e.data);

describe('contact events match their contracts', () => {
  it('contact.created.v1 for a person carries the person’s names', () => {
    const e = contactCreated(ID, buildFields());
    expect(e.data).toEqual({ contactId: ID, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' });
    expect(valid(e)).not.toThrow();
  });

  it('contact.created.v1 for an organisation sends its name as first and last name (the locked contract needs a first name)', () => {
    const e = contactCreated(ID, buildFields({ kind: 'ORGANISATION', title: null, firstName: null, lastName: 'Acme', organisationName: 'Acme' }));
    expect(e.data).toEqual({ contactId: ID, firstName: 'Acme', lastName: 'Acme', email: 'ada@example.org' });
    expect(valid(e)).not.toThrow();
  });

  it.each<[string, Parameters<typeof contactUpdated>[2], Record<string, unknown>]>([
    ['names', ['firstName', 'lastName'], { firstName: 'Augusta', lastName: 'King' }],
    ['cleared fields', ['title', 'email', 'phone', 'address'], { title: null, email: null, phone: null, address: null }],
    ['an address', ['address'], { address: buildFields().address }],
    ['a household move', ['householdId'], { householdId: OTHER }],
    ['consent', ['consent'], { consent: { channel: 'EMAIL', granted: false, source: 'unsubscribe link', recordedAt: '2026-01-01T00:00:00.000Z' } }],
  ])('contact.updated.v1 with %s', (_name, changed, values) => {
    const e = contactUpdated(ID, 'PERSON', changed, { ...values, unrelated: 'left out' });
    expect(e.data).toEqual({ contactId: ID, kind: 'PERSON', changedFields: changed, ...values });
    expect(valid(e)).not.toThrow();
  });

  it('contact.merged.v1 is keyed by the survivor', () => {
    const e = contactMerged(ID, OTHER, new Date('2026-01-01T00:00:00Z'));
    expect(e).toMatchObject({ subject: ID, key: ID, data: { survivorId: ID, duplicateId: OTHER, mergedAt: '2026-01-01T00:00:00.000Z' } });
    expect(valid(e)).not.toThrow();
  });

  it('contact.erased.v1 carries no personal data', () => {
    const e = contactErased(ID, new Date('2026-01-01T00:00:00Z'));
    expect(e.data).toEqual({ contactId: ID, erasedAt: '2026-01-01T00:00:00.000Z' });
    expect(valid(e)).not.toThrow();
    expect(() => registry.validate(e.type, { ...(e.data as object), email: 'x@example.org' })).toThrow();
  });

  it('every contact event is on fundraising.contact', () => {
    for (const t of ['created', 'updated', 'merged', 'erased']) expect(registry.contract(`commonhold.fundraising.contact.${t}.v1`).topic).toBe('fundraising.contact');
  });
});
