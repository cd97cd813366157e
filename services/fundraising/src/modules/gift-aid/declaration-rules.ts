import { badInput } from '@commonhold/kit/domain';
import { addDays, addYears, isIsoDate, type IsoDate } from './dates';

/** Rules of Gift Aid declarations (pure): what may be recorded, and what cancelling or superseding one does. */
export const DECLARATION_KINDS = ['ENDURING', 'SINGLE'] as const;
export const DECLARATION_METHODS = ['WRITTEN', 'ORAL', 'ONLINE'] as const;
export type DeclarationKind = (typeof DECLARATION_KINDS)[number];
export type DeclarationMethod = (typeof DECLARATION_METHODS)[number];

/** A declaration may cover donations made up to 4 years before it. */
export const LOOKBACK_YEARS = 4;
/** A donor may cancel an oral declaration within 30 days of its written record, as if never made. */
export const ORAL_COOLING_OFF_DAYS = 30;

export interface DeclarationRequest {
  kind: unknown;
  method: unknown;
  declaredAt: unknown;
  coversFrom?: unknown;
  giftId?: unknown;
  confirmation?: { sentAt?: unknown; reference?: unknown } | null;
}

export interface ValidDeclaration {
  kind: DeclarationKind;
  method: DeclarationMethod;
  declaredAt: IsoDate;
  coversFrom: IsoDate;
  giftId: string | null;
  confirmationSentAt: IsoDate | null;
  confirmationReference: string | null;
}

function date(field: string, value: unknown): IsoDate {
  if (!isIsoDate(value)) throw badInput(field, `${field.split('.').pop()} must be a date YYYY-MM-DD`);
  return value;
}

/**
 * Validates a declaration against today's date and, for a SINGLE declaration, its gift's date.
 * Throws BAD_USER_INPUT naming the field.
 */
export function validateDeclaration(input: DeclarationRequest, ctx: { today: IsoDate; giftReceivedOn: IsoDate | null }): ValidDeclaration {
  if (!DECLARATION_KINDS.includes(input.kind as DeclarationKind)) throw badInput('input.kind', 'kind must be ENDURING or SINGLE');
  if (!DECLARATION_METHODS.includes(input.method as DeclarationMethod)) throw badInput('input.method', 'method must be WRITTEN, ORAL or ONLINE');
  const kind = input.kind as DeclarationKind;
  const method = input.method as DeclarationMethod;
  const declaredAt = date('input.declaredAt', input.declaredAt);
  if (declaredAt > ctx.today) throw badInput('input.declaredAt', 'declaredAt must not be in the future');
  const earliest = addYears(declaredAt, -LOOKBACK_YEARS);

  let coversFrom: IsoDate;
  let giftId: string | null = null;
  if (kind === 'ENDURING') {
    if (input.giftId != null) throw badInput('input.giftId', 'only a SINGLE declaration names a gift');
    if (input.coversFrom == null) throw badInput('input.coversFrom', 'coversFrom is required for an ENDURING declaration');
    coversFrom = date('input.coversFrom', input.coversFrom);
    if (coversFrom > declaredAt) throw badInput('input.coversFrom', 'coversFrom must not be after declaredAt');
    if (coversFrom < earliest) throw badInput('input.coversFrom', `coversFrom must be at most ${LOOKBACK_YEARS} years before declaredAt (not before ${earliest})`);
  } else {
    if (input.giftId == null) throw badInput('input.giftId', 'giftId is required for a SINGLE declaration');
    giftId = String(input.giftId);
    if (!ctx.giftReceivedOn) throw badInput('input.giftId', 'giftId must name a gift');
    if (ctx.giftReceivedOn < earliest) throw badInput('input.giftId', `the gift was received more than ${LOOKBACK_YEARS} years before declaredAt`);
    if (input.coversFrom != null && date('input.coversFrom', input.coversFrom) !== ctx.giftReceivedOn) {
      throw badInput('input.coversFrom', `a SINGLE declaration covers its gift's date (${ctx.giftReceivedOn}); omit coversFrom`);
    }
    coversFrom = ctx.giftReceivedOn;
  }

  let confirmationSentAt: IsoDate | null = null;
  let confirmationReference: string | null = null;
  if (method === 'ORAL') {
    if (!input.confirmation) throw badInput('input.confirmation', 'an ORAL declaration needs the written confirmation sent to the donor (confirmation.sentAt)');
    confirmationSentAt = date('input.confirmation.sentAt', input.confirmation.sentAt);
    if (confirmationSentAt < declaredAt) throw badInput('input.confirmation.sentAt', 'the confirmation cannot be sent before the declaration was made');
    if (confirmationSentAt > ctx.today) throw badInput('input.confirmation.sentAt', 'confirmation.sentAt must not be in the future');
    const ref = input.confirmation.reference;
    if (ref != null) {
      if (typeof ref !== 'string' || !ref.trim() || ref.trim().length > 100) throw badInput('input.confirmation.reference', 'reference must be 1 to 100 characters');
      confirmationReference = ref.trim();
    }
  } else if (input.confirmation != null) {
    throw badInput('input.confirmation', 'only an ORAL declaration records a confirmation');
  }
  return { kind, method, declaredAt, coversFrom, giftId, confirmationSentAt, confirmationReference };
}

export interface CancellableDeclaration {
  method: DeclarationMethod;
  declaredAt: IsoDate;
  confirmationSentAt: IsoDate | null;
  coversTo: IsoDate | null;
}

/**
 * Effect of cancelling on `cancelledAt`: coverage stops from that day (gifts before it stay
 * covered), except an ORAL declaration cancelled within 30 days of its written record, which is
 * cancelled retroactively (as if never made).
 */
export function cancellationEffect(d: CancellableDeclaration, cancelledAt: IsoDate, today: IsoDate): { coversTo: IsoDate; retroactive: boolean } {
  if (cancelledAt > today) throw badInput('input.cancelledAt', 'cancelledAt must not be in the future');
  if (cancelledAt < d.declaredAt) throw badInput('input.cancelledAt', 'cancelledAt must not be before the declaration was made');
  const retroactive = d.method === 'ORAL' && d.confirmationSentAt !== null && cancelledAt <= addDays(d.confirmationSentAt, ORAL_COOLING_OFF_DAYS);
  const dayBefore = addDays(cancelledAt, -1);
  return { coversTo: d.coversTo !== null && d.coversTo < dayBefore ? d.coversTo : dayBefore, retroactive };
}

/** A newer ENDURING declaration supersedes the active one: the old keeps covering gifts before the new one was made. */
export function supersededCoversTo(old: { declaredAt: IsoDate; coversTo: IsoDate | null }, newDeclaredAt: IsoDate): IsoDate {
  if (newDeclaredAt < old.declaredAt) throw badInput('input.declaredAt', `declaredAt must not be before the active declaration's (${old.declaredAt})`);
  const dayBefore = addDays(newDeclaredAt, -1);
  return old.coversTo !== null && old.coversTo < dayBefore ? old.coversTo : dayBefore;
}
