import { describe, expect, it } from 'vitest';
import { OutputRing } from './ring-buffer';

describe('OutputRing', () => {
  it('returns exactly the bytes after a sequence number', () => {
    const ring = new OutputRing(100);
    ring.push(Buffer.from('hello '));
    ring.push(Buffer.from('world'));
    expect(ring.since(0)?.toString()).toBe('hello world');
    expect(ring.since(6)?.toString()).toBe('world');
    expect(ring.since(8)?.toString()).toBe('rld');
    expect(ring.since(11)?.toString()).toBe('');
    expect(ring.endSeq).toBe(11);
  });

  it('forgets the oldest bytes beyond its capacity, splitting a chunk if needed', () => {
    const ring = new OutputRing(8);
    ring.push(Buffer.from('abcdef'));
    ring.push(Buffer.from('ghijkl'));
    expect(ring.startSeq).toBe(4);
    expect(ring.since(4)?.toString()).toBe('efghijkl');
    expect(ring.since(3)).toBeUndefined();
    expect(ring.since(13)).toBeUndefined();
  });

  it('never holds more than its capacity however much is pushed', () => {
    const ring = new OutputRing(1024);
    for (let i = 0; i < 10_000; i++) ring.push(Buffer.alloc(100, i % 256));
    expect(ring.endSeq - ring.startSeq).toBe(1024);
    expect(ring.since(ring.startSeq)?.byteLength).toBe(1024);
  });
});
