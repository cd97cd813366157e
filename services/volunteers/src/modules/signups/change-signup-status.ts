import type { EntityManager } from 'typeorm';
import { AppError, idempotent, notFound, writeAudit } from '@commonhold/kit';
import { findShift } from '../shifts';
import { decideTransition, holdsPlace, type SignupStatus } from './signup';
import { findSignup, promoteWaitlist, takenPlaces, updateSignup } from './signup.store';

/**
 * Moves one signup to a new status under the V4S rules, inside the caller's transaction, with its
 * shift locked: a move into a place-holding status needs a free place (CONFIRMED waits on the
 * waitlist instead, COMPLETED is refused); a move out of one gives the place to the oldest waiting
 * signup. Returns the promoted signups.
 */
export async function applyStatus(m: EntityManager, tenantId: string, actor: string, signupId: string, to: unknown, hours: unknown, fields = { signup: 'input.signupId', status: 'input.status', hours: 'input.hours' }): Promise<string[]> {
  const before = await findSignup(m, tenantId, signupId);
  if (!before) throw notFound(fields.signup, `No volunteer signup ${signupId}`);
  const shift = await findShift(m, tenantId, before.shiftId, { lock: true });
  const s = (await findSignup(m, tenantId, signupId, { lock: true }))!;
  const t = decideTransition(s.status, to, hours, s.waitlisted, fields);
  let waitlisted = s.waitlisted;
  if (holdsPlace(t.status) && !holdsPlace(s.status)) {
    const full = (await takenPlaces(m, tenantId, s.shiftId)) >= shift!.capacity;
    if (full && t.status === 'COMPLETED') throw new AppError('CONFLICT', 'The shift is full: its places are taken', { field: fields.status, details: { reason: 'SHIFT_FULL' } });
    waitlisted = full;
  }
  await updateSignup(m, tenantId, s.id, { status: t.status, minutes: t.minutes, waitlisted });
  const promoted = holdsPlace(s.status) && !s.waitlisted && !holdsPlace(t.status) ? await promoteWaitlist(m, tenantId, s.shiftId, shift!.capacity) : [];
  await writeAudit(m, { tenantId, actor, action: 'volunteer-signup.status-changed', entityType: 'VolunteerSignup', entityId: s.id, before: { status: s.status, minutes: s.minutes, waitlisted: s.waitlisted }, after: { status: t.status, minutes: t.minutes, waitlisted, promoted } });
  return promoted;
}

export interface ChangeStatusCommand {
  tenantId: string;
  actor: string;
  input: { signupId: string; status: unknown; hours?: unknown; idempotencyKey: string };
}

/** Changes one signup's status (and hours when COMPLETED), once per idempotency key. */
export function changeSignupStatus(m: EntityManager, cmd: ChangeStatusCommand): Promise<string> {
  return idempotent(m, cmd.tenantId, 'changeSignupStatus', cmd.input, async () => {
    await applyStatus(m, cmd.tenantId, cmd.actor, cmd.input.signupId, cmd.input.status, cmd.input.hours ?? null);
    return cmd.input.signupId;
  });
}

export interface AttendanceEntry {
  signupId: string;
  attended: boolean;
  hours?: number | null;
}

export interface RecordAttendanceCommand {
  tenantId: string;
  actor: string;
  input: { shiftId: string; entries: AttendanceEntry[]; idempotencyKey: string };
}

/**
 * Attendance and bulk hours for one shift: each attended signup becomes COMPLETED with its hours
 * (default: the shift's duration), each absent one NO_SHOW. All or nothing: an entry the rules
 * refuse fails the whole call, naming `input.entries.<i>.<field>`.
 */
export function recordAttendance(m: EntityManager, cmd: RecordAttendanceCommand): Promise<string[]> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'recordAttendance', input, async () => {
    const shift = await findShift(m, tenantId, input.shiftId, { lock: true });
    if (!shift) throw notFound('input.shiftId', `No volunteer shift ${input.shiftId}`);
    if (!Array.isArray(input.entries) || !input.entries.length || input.entries.length > 1000) throw new AppError('BAD_USER_INPUT', 'entries must hold 1 to 1000 signups', { field: 'input.entries' });
    const seen = new Set<string>();
    for (const [i, e] of input.entries.entries()) {
      const f = { signup: `input.entries.${i}.signupId`, status: `input.entries.${i}.attended`, hours: `input.entries.${i}.hours` };
      if (seen.has(e.signupId)) throw new AppError('BAD_USER_INPUT', 'a signup appears twice', { field: f.signup });
      seen.add(e.signupId);
      const s = await findSignup(m, tenantId, e.signupId);
      if (!s || s.shiftId !== shift.id) throw notFound(f.signup, `No signup ${e.signupId} on this shift`);
      const to: SignupStatus = e.attended ? 'COMPLETED' : 'NO_SHOW';
      const hours = e.attended ? (e.hours ?? shift.durationMinutes / 60) : (e.hours ?? null);
      await applyStatus(m, tenantId, cmd.actor, e.signupId, to, hours, f);
    }
    return input.entries.map((e) => e.signupId);
  });
}
