import { describe, expect, it } from 'vitest';
import { commandLineStarts, stripPrompts } from './code-text';

describe('stripPrompts', () => {
  it('leaves prompt-less commands alone', () => {
    expect(stripPrompts('docker ps -a\n')).toBe('docker ps -a');
  });

  it('strips leading "$ " prompts', () => {
    expect(stripPrompts('$ docker pull httpd\n$ docker images')).toBe('docker pull httpd\ndocker images');
  });

  it('drops output lines when the block marks commands with prompts', () => {
    const session = ['$ docker run --rm debian echo hi', 'hi', '$ docker ps -q', '6b1f0c9a7d3e'].join('\n');
    expect(stripPrompts(session)).toBe('docker run --rm debian echo hi\ndocker ps -q');
  });

  it('keeps continuation lines of a prompted command', () => {
    const session = ['$ docker run -d \\', '    --name web httpd', 'c4a5ff6fd0c2'].join('\n');
    expect(stripPrompts(session)).toBe('docker run -d \\\n    --name web httpd');
  });

  it('does not touch a $ inside a command', () => {
    expect(stripPrompts('docker stop $(docker ps -q)')).toBe('docker stop $(docker ps -q)');
  });
});

describe('commandLineStarts', () => {
  it('marks command lines, not continuations, comments, blanks or heredoc bodies', () => {
    const script = [
      'docker run -d \\', // command
      '  -p 80:80 httpd', // continuation
      '', // blank
      '# check it', // comment
      'cat > index.html <<EOF', // command
      '<h1>hi</h1>', // heredoc body
      'EOF', // heredoc end
      'docker ps', // command
    ].join('\n');
    expect(commandLineStarts(script)).toEqual([true, false, false, false, true, false, false, true]);
  });
});
