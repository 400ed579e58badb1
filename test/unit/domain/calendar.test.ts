import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isIsoDate, tokyoDate } from '../../../domain/calendar.js';

describe('calendar (JST dates for C3 delivery dates and order ids)', () => {
  it('takes the Japanese calendar date of an instant', () => {
    expect(tokyoDate(new Date('2026-11-30T14:59:59Z'))).toBe('2026-11-30');
    expect(tokyoDate(new Date('2026-11-30T15:00:00Z'))).toBe('2026-12-01');
    expect(tokyoDate(new Date('2026-12-31T15:00:00Z'))).toBe('2027-01-01');
  });

  it('validates real calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(isIsoDate('2026-12-01T00:00')).toBe(false);
  });

  it('adds days across months and years and counts days between', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2028-02-27', 2)).toBe('2028-02-29');
    expect(daysBetween('2026-11-30', '2026-12-30')).toBe(30);
    expect(daysBetween('2026-12-30', '2026-11-30')).toBe(-30);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });
});
