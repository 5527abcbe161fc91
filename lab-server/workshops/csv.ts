import type { WorkshopStep } from '../protocol/workshop';
import type { SeatRecord } from '../store/workshops';

/**
 * RFC 4180 field. Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading
 * apostrophe: display names are typed by learners, and the instructor opens this file.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

/** One row per learner (removed ones marked), one column per step with the time of the first pass. */
export function progressCsv(seats: SeatRecord[], steps: WorkshopStep[], passes: Map<string, Map<string, number>>): string {
  const header = ['name', 'joined_at', 'removed_at', 'steps_passed', 'steps_total', ...steps.map((step) => `${step.chapter}/${step.id}`)];
  const rows = seats.map((seat) => {
    const own = passes.get(seat.learnerId);
    const cells = steps.map((step) => iso(own?.get(`${step.chapter}/${step.id}`)));
    return [seat.name, iso(seat.joinedAt), iso(seat.removedAt), String(cells.filter(Boolean).length), String(steps.length), ...cells];
  });
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
