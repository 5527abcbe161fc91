import { describe, expect, it } from 'vitest';
import { createMirror } from './mirror';

describe('screen mirror', () => {
  it('counts what it has been given but not parsed yet, and says when it parses', async () => {
    let parsed = 0;
    const mirror = createMirror(80, 24, () => parsed++);
    const chunk = new TextEncoder().encode('y\r\n'.repeat(20_000));
    for (let i = 0; i < 20; i++) mirror.write(chunk);
    expect(mirror.backlog).toBe(20 * chunk.byteLength); // nothing parsed synchronously
    const snap = await mirror.snapshot();
    expect(mirror.backlog).toBe(0);
    expect(parsed).toBe(20);
    expect(snap.seq).toBe(20 * chunk.byteLength);
    mirror.dispose();
  });
});
