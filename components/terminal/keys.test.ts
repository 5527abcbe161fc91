import { describe, expect, it } from 'vitest';
import { createKeyRouter, type KeyLike } from './keys';

const key = (key: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  type: 'keydown',
  key,
  code: key.length === 1 ? `Key${key.toUpperCase()}` : key,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...extra,
});

describe('createKeyRouter', () => {
  it('sends Tab to the shell, but Esc then Tab leaves the terminal', () => {
    const route = createKeyRouter();
    expect(route(key('Tab'))).toBe('terminal');
    expect(route(key('Escape'))).toBe('terminal');
    expect(route(key('Tab'))).toBe('leave');
    expect(route(key('Tab', { type: 'keyup' }))).toBe('leave');
    expect(route(key('Tab'))).toBe('terminal');
  });

  it('lets Shift+Tab leave backwards, pressing Shift first', () => {
    const route = createKeyRouter();
    route(key('Escape'));
    expect(route(key('Shift', { shiftKey: true }))).toBe('terminal');
    expect(route(key('Tab', { shiftKey: true }))).toBe('leave');
  });

  it('forgets the Esc after any other key', () => {
    const route = createKeyRouter();
    route(key('Escape'));
    route(key('j'));
    expect(route(key('Tab'))).toBe('terminal');
    route(key('Escape'));
    expect(route(key('Escape', { type: 'keyup' }))).toBe('terminal');
    expect(route(key('Tab'))).toBe('leave');
  });

  it('routes the Ctrl+Shift chords and leaves plain Ctrl+C to the shell', () => {
    const route = createKeyRouter();
    expect(route(key('C', { ctrlKey: true, shiftKey: true }))).toBe('copy');
    expect(route(key('V', { ctrlKey: true, shiftKey: true }))).toBe('paste');
    expect(route(key('F', { ctrlKey: true, shiftKey: true }))).toBe('find');
    expect(route(key('c', { ctrlKey: true }))).toBe('terminal');
    expect(route(key('v', { ctrlKey: true }))).toBe('terminal');
  });
});
