import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChapterSteps, readGuideSteps } from './steps';

describe('guide steps', () => {
  it('reads checks from frontmatter and step titles from the MDX, in page order', () => {
    const source = [
      '---',
      'title: T',
      'description: D',
      'checks:',
      '  b-step: { run: "true", hint: "h", solution: "touch b" }',
      '  a-step: { run: "false" }',
      '---',
      '<Step id="b-step" title="Second letter first">x</Step>',
      '<Step title="Alpha" id="a-step">y</Step>',
    ].join('\n');
    const chapter = readChapterSteps('demo', source);
    expect(chapter.steps.map((step) => [step.id, step.title])).toEqual([
      ['b-step', 'Second letter first'],
      ['a-step', 'Alpha'],
    ]);
    expect(chapter.steps[0]!.check).toMatchObject({ run: 'true', hint: 'h', solution: 'touch b' });
  });

  it('reads every chapter of the guide', () => {
    const chapters = readGuideSteps(path.join(process.cwd(), 'content'));
    const firstCommands = chapters.find((chapter) => chapter.slug === 'first-commands');
    expect(firstCommands?.steps.map((step) => step.id)).toEqual(['two-web-servers', 'all-clean']);
  });
});
