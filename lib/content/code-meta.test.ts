import { describe, expect, it } from 'vitest';
import { CodeMetaError, parseCodeMeta } from './code-meta';

describe('parseCodeMeta', () => {
  it('defaults to a copyable, non-runnable block', () => {
    expect(parseCodeMeta(undefined)).toEqual({
      run: false,
      term: 1,
      interrupt: false,
      copy: true,
      output: false,
      rest: '',
    });
  });

  it('reads run, term=N and interrupt in any order', () => {
    expect(parseCodeMeta('interrupt term=2 run')).toMatchObject({ run: true, term: 2, interrupt: true, copy: true });
  });

  it('keeps options meant for rehype-pretty-code', () => {
    expect(parseCodeMeta('run title="start web" {2} /httpd/').rest).toBe('title="start web" {2} /httpd/');
    expect(parseCodeMeta('showLineNumbers').rest).toBe('showLineNumbers');
  });

  it('makes output blocks neither runnable nor copyable', () => {
    expect(parseCodeMeta('output')).toMatchObject({ run: false, copy: false, output: true });
  });

  it.each([
    ['rnu', /unknown code fence option "rnu"/],
    ['run term=0', /term=0/],
    ['run term=x', /term=x/],
    ['term=2', /only makes sense with "run"/],
    ['interrupt', /only makes sense with "run"/],
    ['output run', /cannot also be/],
    ['output copy', /cannot also be/],
    ['run copy', /already have a Copy button/],
    ['run run', /given twice/],
  ])('rejects %j', (meta, message) => {
    expect(() => parseCodeMeta(meta)).toThrow(CodeMetaError);
    expect(() => parseCodeMeta(meta)).toThrow(message);
  });
});
