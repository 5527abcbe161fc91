/**
 * Time as the workshop pages show it. Pure, so the console, the learner banner and the join page
 * agree, and it is tested without a DOM.
 */

const MINUTE = 60_000;

/**
 * "1 h 05 min", "12 min", "45 s" — what is left until `deadline`. Seconds only in the last
 * two minutes (an instructor glancing at the header needs minutes; a countdown that ticks every
 * second the whole hour is noise for a screen reader). Null once the time is up.
 */
export function formatTimeLeft(deadline: number, now: number): string | null {
  const left = deadline - now;
  if (left <= 0) return null;
  if (left < 2 * MINUTE) return `${Math.ceil(left / 1000)} s`;
  const minutes = Math.ceil(left / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** "just now", "45 s", "3 min", "2 h 10 min" — how long something has lasted (idle time). */
export function formatElapsed(ms: number): string {
  if (ms < 5_000) return 'just now';
  if (ms < MINUTE) return `${Math.floor(ms / 1000)} s`;
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "14:05" in the viewer's time zone (for passes and broadcasts). */
export function formatClock(epochMs: number, locale?: string): string {
  return new Date(epochMs).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/**
 * The offset to add to this clock to get the server's, from an HTTP Date header (1 s
 * resolution: enough for minutes left) — a laptop clock a few minutes off must not make a
 * workshop look over.
 */
export function clockSkewFrom(dateHeader: string | null, receivedAt: number): number {
  if (!dateHeader) return 0;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return 0;
  const skew = server - receivedAt;
  // Under a second is the header's own rounding, not a wrong clock.
  return Math.abs(skew) < 1500 ? 0 : skew;
}
