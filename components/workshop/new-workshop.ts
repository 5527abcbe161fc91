/** The new-workshop form's rules, apart from React so they are unit-tested. */
import type { CreateWorkshop } from '@/lab-server/protocol/workshop';

/** A guide chapter an instructor can put in a workshop (only chapters with checked steps). */
export interface WorkshopChapterChoice {
  slug: string;
  title: string;
  chapter?: number;
  steps: number;
}

export interface NewWorkshopFields {
  title: string;
  chapters: string[];
  seats: string;
  durationMinutes: string;
  memoryMb: string;
  cpus: string;
  egress: boolean;
}

/**
 * The form's fields as the create body, or the first thing to fix. Limits mirror
 * createWorkshopSchema so most mistakes show before a round trip; the server still decides.
 */
export function toCreateWorkshop(fields: NewWorkshopFields): { ok: true; body: CreateWorkshop } | { ok: false; field: keyof NewWorkshopFields; message: string } {
  const title = fields.title.trim();
  if (!title) return { ok: false, field: 'title', message: 'Give the workshop a title.' };
  if (fields.chapters.length === 0) return { ok: false, field: 'chapters', message: 'Pick at least one chapter.' };
  const seats = Number(fields.seats);
  if (!Number.isInteger(seats) || seats < 1 || seats > 500) return { ok: false, field: 'seats', message: 'Seats: a whole number from 1 to 500.' };
  const durationMinutes = Number(fields.durationMinutes);
  if (!Number.isInteger(durationMinutes) || durationMinutes < 10 || durationMinutes > 1440)
    return { ok: false, field: 'durationMinutes', message: 'Duration: whole minutes from 10 to 1440 (a day).' };
  const body: CreateWorkshop = { title, chapters: fields.chapters, seats, durationMinutes, egress: fields.egress };
  if (fields.memoryMb.trim() !== '') {
    const memoryMb = Number(fields.memoryMb);
    if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 8192)
      return { ok: false, field: 'memoryMb', message: 'Memory: whole MiB from 128 to 8192, or empty for the server’s default.' };
    body.memoryMb = memoryMb;
  }
  if (fields.cpus.trim() !== '') {
    const cpus = Number(fields.cpus);
    if (!Number.isFinite(cpus) || cpus < 0.1 || cpus > 16) return { ok: false, field: 'cpus', message: 'CPUs: from 0.1 to 16, or empty for the server’s default.' };
    body.cpus = cpus;
  }
  return { ok: true, body };
}

