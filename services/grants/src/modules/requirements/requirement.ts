import { AppError, badInput } from '@commonhold/kit/domain';

/** OFM requirement types (Letter of Intent … Outcome): the deliverables a grant asks for, each with a due date. */
export const REQUIREMENT_TYPES = ['LETTER_OF_INTENT', 'PRELIMINARY_APPLICATION', 'FINAL_APPLICATION', 'REVIEW', 'PANEL_REVIEW', 'CONTRACT', 'REPORT', 'OUTCOME'] as const;
export type RequirementType = (typeof REQUIREMENT_TYPES)[number];

/** Open → Submitted → Approved; a submitted deliverable the funder returns goes back to Open. */
export const REQUIREMENT_STATUSES = ['OPEN', 'SUBMITTED', 'APPROVED'] as const;
export type RequirementStatus = (typeof REQUIREMENT_STATUSES)[number];

const MOVES: Record<RequirementStatus, readonly RequirementStatus[]> = {
  OPEN: ['SUBMITTED'],
  SUBMITTED: ['APPROVED', 'OPEN'],
  APPROVED: [],
};

export function checkRequirementMove(from: RequirementStatus, to: RequirementStatus): void {
  if (!MOVES[from].includes(to)) throw new AppError('CONFLICT', `A ${from} requirement cannot become ${to}`, { field: 'input.status', details: { from, to } });
}

/** Only a REPORT can be the final report. */
export function checkFinalReport(type: RequirementType, finalReport: boolean): void {
  if (finalReport && type !== 'REPORT') throw badInput('input.finalReport', 'Only a REPORT requirement can be the final report');
}

/** Days before the due date the reminder goes: 0 to 365. */
export function remindDays(v: unknown): number {
  if (v == null) return 14;
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 365) throw badInput('input.remindDaysBefore', 'remindDaysBefore is a whole number of days from 0 to 365');
  return v as number;
}

/** An email address for the reminder (or none). */
export function reminderEmail(v: unknown): string | null {
  if (v == null || v === '') return null;
  if (typeof v !== 'string' || v.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim())) throw badInput('input.reminderEmail', 'reminderEmail must be an email address');
  return v.trim();
}

/** Whether an open requirement's reminder is due on `today`. */
export function reminderDue(r: { status: RequirementStatus; dueDate: string; remindDaysBefore: number; remindedAt: Date | null; reminderEmail: string | null }, today: string): boolean {
  if (r.status !== 'OPEN' || r.remindedAt || !r.reminderEmail) return false;
  const sendOn = new Date(Date.parse(`${r.dueDate}T00:00:00Z`) - r.remindDaysBefore * 86_400_000).toISOString().slice(0, 10);
  return sendOn <= today;
}
