/*
 * Dates as the wearer would say them: "today", "yesterday", "on Tuesday" within
 * the last week, "on March 3rd" this year, "on March 3rd, 2025" before that.
 * Local time of the device (the wearer's time zone).
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function dayStart(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days from `then` to `now` (0 = same day). */
export function daysBetween(then: number, now: number): number {
  return Math.round((dayStart(now) - dayStart(then)) / 86_400_000);
}

/** "today", "yesterday", "on Tuesday", "on March 3rd", "on March 3rd, 2025". */
export function spokenDate(ms: number, now: number): string {
  const days = daysBetween(ms, now);
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  const d = new Date(ms);
  if (days > 1 && days < 7) return `on ${DAYS[d.getDay()]}`;
  const base = `on ${MONTHS[d.getMonth()]} ${ordinal(d.getDate())}`;
  return d.getFullYear() === new Date(now).getFullYear() ? base : `${base}, ${d.getFullYear()}`;
}
