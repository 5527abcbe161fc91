import { describe, expect, it } from 'vitest';
import { commandToInput } from '../../components/lab/lab-controller';
import { checkPasses, planChapter, typedInput } from './plan';

const PAGE = `---
title: T
checks:
  made:
    run: "test -f ~/made && echo yes"
    expect: "yes"
  web:
    run: "docker ps -q"
---

Intro.

\`\`\`bash run
uname -r
\`\`\`

\`\`\`text output
6.1.0
\`\`\`

<Step id="made" title="Make a file">

\`\`\`bash run term=2 interrupt
touch ~/made
\`\`\`

</Step>

<Step id="web" title="A web server">

\`\`\`bash run
docker run -d --name web httpd
\`\`\`

\`\`\`bash run
curl -s localhost:8080
\`\`\`

{/* docs-tests: skip — installs Docker on a host */}
\`\`\`bash run
apt-get install docker.io
\`\`\`

</Step>

\`\`\`bash run term=2
docker logs -f web
\`\`\`

\`\`\`bash run term=2 interrupt
docker ps
\`\`\`
`;

const CHECKS = {
  made: { run: 'test -f ~/made && echo yes', expect: 'yes' },
  web: { run: 'docker ps -q' },
};

describe('planChapter', () => {
  it('lists run blocks and step checks in page order; a marked block and the check of its step are skipped with the reason', () => {
    const plan = planChapter('x.mdx', PAGE, CHECKS);
    const skip = 'installs Docker on a host';
    expect(plan).toEqual([
      { kind: 'run', line: 13, command: 'uname -r', term: 1, interrupt: false },
      { kind: 'run', line: 23, command: 'touch ~/made', term: 2, interrupt: true, step: 'made' },
      { kind: 'check', line: 27, step: 'made', check: CHECKS.made },
      { kind: 'run', line: 31, command: 'docker run -d --name web httpd', term: 1, interrupt: false, step: 'web' },
      { kind: 'run', line: 35, command: 'curl -s localhost:8080', term: 1, interrupt: false, step: 'web' },
      { kind: 'run', line: 40, command: 'apt-get install docker.io', term: 1, interrupt: false, step: 'web', skip },
      { kind: 'check', line: 44, step: 'web', check: CHECKS.web, skip: `its step has a skipped block (${skip})` },
      { kind: 'run', line: 46, command: 'docker logs -f web', term: 2, interrupt: false, untilInterrupted: true },
      { kind: 'run', line: 50, command: 'docker ps', term: 2, interrupt: true },
    ]);
  });

  it('reads a fails marker: the block must end with a non-zero status', () => {
    expect(planChapter('x.mdx', '{/* docs-tests: fails — a running container */}\n```bash run\ndocker rm web\n```\n')).toEqual([
      { kind: 'run', line: 2, command: 'docker rm web', term: 1, interrupt: false, fails: 'a running container' },
    ]);
  });

  it('refuses a skip marker without a reason', () => {
    expect(() => planChapter('x.mdx', '```bash run\nls\n```\n\n{/* docs-tests: skip */}\n```bash run\nls\n```\n')).toThrow('x.mdx:5: a docs-tests skip marker needs a reason');
  });

  it('refuses a step without a check and a check without a step, naming file and line', () => {
    expect(() => planChapter('x.mdx', PAGE, { made: CHECKS.made })).toThrow('x.mdx:29: <Step id="web"> has no check in the frontmatter');
    expect(() => planChapter('x.mdx', PAGE, { ...CHECKS, gone: { run: 'true' } })).toThrow('x.mdx: check "gone" has no <Step id="gone">');
  });
});

describe('typedInput', () => {
  it('types exactly what the Run button types', () => {
    for (const command of ['uname -r', "cat > f <<'EOF'\na\nEOF", '$ echo hi\nhi']) {
      expect(typedInput(command)).toBe(commandToInput(command));
    }
  });
});

describe('checkPasses', () => {
  const ok = { exitCode: 0, stdout: 'true 137\n' };
  it('compares trimmed stdout with a string, and needs exit 0', () => {
    expect(checkPasses({ run: 'x', expect: 'true 137' }, ok)).toBe(true);
    expect(checkPasses({ run: 'x', expect: 'true' }, ok)).toBe(false);
    expect(checkPasses({ run: 'x', expect: 'true 137' }, { ...ok, exitCode: 1 })).toBe(false);
  });
  it('understands exitCode, stdout and match, and no expectation means exit 0', () => {
    expect(checkPasses({ run: 'x' }, ok)).toBe(true);
    expect(checkPasses({ run: 'x', expect: { exitCode: 1 } }, { exitCode: 1, stdout: '' })).toBe(true);
    expect(checkPasses({ run: 'x', expect: { match: '^true \\d+$' } }, ok)).toBe(true);
    expect(checkPasses({ run: 'x', expect: { stdout: 'false' } }, ok)).toBe(false);
  });
});
