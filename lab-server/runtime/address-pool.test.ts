import { describe, expect, it } from 'vitest';
import { freeSubnet } from './address-pool';

describe('fallback subnets when Docker’s address pools run out', () => {
  it('hands out /26 subnets of 10.213.0.0/16 in order, skipping used ones', () => {
    expect(freeSubnet([])).toBe('10.213.0.0/26');
    expect(freeSubnet(['10.213.0.0/26', '10.213.0.64/26'])).toBe('10.213.0.128/26');
    expect(freeSubnet(['10.213.0.0/26', '10.213.0.64/26', '10.213.0.128/26', '10.213.0.192/26'])).toBe('10.213.1.0/26');
  });
  it('says so when all 1024 are taken', () => {
    const all = Array.from({ length: 1024 }, (_, i) => `10.213.${Math.floor(i / 4)}.${(i % 4) * 64}/26`);
    expect(freeSubnet(all)).toBeUndefined();
  });
});
