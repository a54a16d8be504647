const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Past this age an absolute date says more than "41 d ago". */
export const RELATIVE_TIME_MAX_DAYS = 30;

/** "just now", "5 min ago", "2 h ago", "3 d ago", then a date; '' for a date that does not parse. */
export function formatTimeAgo(isoDate: string, now: number = Date.now()): string {
  const time = Date.parse(isoDate);
  if (Number.isNaN(time)) {
    return '';
  }
  const elapsed = Math.max(0, now - time);
  if (elapsed < MINUTE) {
    return 'just now';
  }
  if (elapsed < HOUR) {
    return `${Math.floor(elapsed / MINUTE)} min ago`;
  }
  if (elapsed < DAY) {
    return `${Math.floor(elapsed / HOUR)} h ago`;
  }
  if (elapsed < RELATIVE_TIME_MAX_DAYS * DAY) {
    return `${Math.floor(elapsed / DAY)} d ago`;
  }
  return `on ${new Date(time).toLocaleDateString('en', { day: 'numeric', month: 'short', year: 'numeric' })}`;
}
