import { RELATIVE_TIME_MAX_DAYS, formatTimeAgo } from './relative-time';

describe(formatTimeAgo.name, () => {
  const now = Date.parse('2026-03-10T12:00:00Z');

  it('counts minutes, hours and days', () => {
    expect(formatTimeAgo('2026-03-10T11:59:30Z', now)).toBe('just now');
    expect(formatTimeAgo('2026-03-10T11:55:00Z', now)).toBe('5 min ago');
    expect(formatTimeAgo('2026-03-10T10:00:00Z', now)).toBe('2 h ago');
    expect(formatTimeAgo('2026-03-07T12:00:00Z', now)).toBe('3 d ago');
  });

  it(`shows a date once a change is older than ${RELATIVE_TIME_MAX_DAYS} days`, () => {
    expect(formatTimeAgo('2025-12-01T12:00:00Z', now)).toBe('on Dec 1, 2025');
  });

  it('says nothing about a date that does not parse', () => {
    expect(formatTimeAgo('yesterday-ish', now)).toBe('');
  });
});
