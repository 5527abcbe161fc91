import { describe, expect, it } from 'vitest';
import { frontmatterSchema } from './schema';

describe('frontmatterSchema', () => {
  it('rejects a page without a title', () => {
    const result = frontmatterSchema.safeParse({ description: 'No title here' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('title');
  });

  it('rejects an empty title', () => {
    expect(frontmatterSchema.safeParse({ title: '  ', description: 'x' }).success).toBe(false);
  });

  it('accepts checks and keeps unknown keys for later features', () => {
    const parsed = frontmatterSchema.parse({
      title: 'First commands',
      description: 'Run things.',
      chapter: 5,
      lab: { terminals: 2 },
      checks: { 'web-running': { run: "docker inspect -f '{{.State.Running}}' web", expect: 'true', hint: 'Start it.' } },
    });
    expect(parsed.checks?.['web-running']?.expect).toBe('true');
    expect(parsed.lab).toEqual({ terminals: 2 });
  });

  it('rejects check ids that are not kebab-case', () => {
    const result = frontmatterSchema.safeParse({
      title: 't',
      description: 'd',
      checks: { Web_Running: { run: 'true' } },
    });
    expect(result.success).toBe(false);
  });
});
