import { badInput } from '@commonhold/kit/domain';
import { LAST_DAY, type Period } from './schedule';

/** MONTHLY day: 1-31 or "last day" (-1); other periods have none. */
export function dayOf(period: Period, dayOfMonth: unknown, lastDay: unknown, startDate: string | null): number | null {
  if (period !== 'MONTHLY') {
    if (dayOfMonth != null) throw badInput('input.dayOfMonth', 'dayOfMonth is only for MONTHLY agreements');
    if (lastDay === true) throw badInput('input.lastDayOfMonth', 'lastDayOfMonth is only for MONTHLY agreements');
    return null;
  }
  if (lastDay === true) {
    if (dayOfMonth != null) throw badInput('input.dayOfMonth', 'give dayOfMonth or lastDayOfMonth, not both');
    return LAST_DAY;
  }
  if (dayOfMonth == null) return startDate ? Number(startDate.slice(8, 10)) : null;
  if (!Number.isInteger(dayOfMonth) || (dayOfMonth as number) < 1 || (dayOfMonth as number) > 31) {
    throw badInput('input.dayOfMonth', 'dayOfMonth must be from 1 to 31 (shorter months use their last day); use lastDayOfMonth for the last day');
  }
  return dayOfMonth as number;
}
