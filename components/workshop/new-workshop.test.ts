import { describe, expect, it } from 'vitest';
import { createWorkshopSchema } from '@/lab-server/protocol/workshop';
import { toCreateWorkshop, type NewWorkshopFields } from './new-workshop';

const fields: NewWorkshopFields = { title: ' Docker 101 ', chapters: ['first-commands'], seats: '20', durationMinutes: '120', memoryMb: '', cpus: '', egress: false };

describe('toCreateWorkshop', () => {
  it('builds a body the contract accepts, leaving empty limits to the server', () => {
    const result = toCreateWorkshop(fields);
    expect(result).toEqual({ ok: true, body: { title: 'Docker 101', chapters: ['first-commands'], seats: 20, durationMinutes: 120, egress: false } });
    if (result.ok) expect(createWorkshopSchema.safeParse(result.body).success).toBe(true);
  });

  it('passes memory and CPUs when given', () => {
    const result = toCreateWorkshop({ ...fields, memoryMb: '512', cpus: '0.5', egress: true });
    expect(result).toMatchObject({ ok: true, body: { memoryMb: 512, cpus: 0.5, egress: true } });
    if (result.ok) expect(createWorkshopSchema.safeParse(result.body).success).toBe(true);
  });

  it('names the first field to fix', () => {
    expect(toCreateWorkshop({ ...fields, title: '  ' })).toMatchObject({ ok: false, field: 'title' });
    expect(toCreateWorkshop({ ...fields, chapters: [] })).toMatchObject({ ok: false, field: 'chapters' });
    expect(toCreateWorkshop({ ...fields, seats: '0' })).toMatchObject({ ok: false, field: 'seats' });
    expect(toCreateWorkshop({ ...fields, seats: '2.5' })).toMatchObject({ ok: false, field: 'seats' });
    expect(toCreateWorkshop({ ...fields, durationMinutes: '5' })).toMatchObject({ ok: false, field: 'durationMinutes' });
    expect(toCreateWorkshop({ ...fields, memoryMb: '64' })).toMatchObject({ ok: false, field: 'memoryMb' });
    expect(toCreateWorkshop({ ...fields, cpus: '32' })).toMatchObject({ ok: false, field: 'cpus' });
  });
});
