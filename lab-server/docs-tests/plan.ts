import { parseCodeMeta } from '../../lib/content/code-meta';
import { stripPrompts } from '../../lib/content/code-text';
import type { Check } from '../../lib/content/schema';

/**
 * The docs tests: what a reader would do on a page, in page order — every `run` block typed
 * into its terminal, and each `<Step>`'s check (frontmatter `checks.<id>`) run after the step.
 *
 * Docker blocks run for real: every workspace has the docker CLI and Compose, talking to the
 * learner's own Engine API proxy. A block that cannot work in the lab (installing Docker on a
 * host, `systemctl`, a host's files) is marked in the MDX by a comment on the line before its
 * fence, and is reported as skipped with that reason, never silently dropped:
 *
 *     {/* docs-tests: skip — installs Docker on a host *\/}
 *
 * A step whose block is skipped has its check skipped too (the reason says why). A block that
 * shows a refusal (`docker rm` of a running container) is marked `docs-tests: fails — reason`
 * and must end with a non-zero status.
 */
export interface RunItem {
  kind: 'run';
  /** 1-based line of the fence in the MDX file. */
  line: number;
  command: string;
  term: number;
  interrupt: boolean;
  /**
   * The block keeps running until the reader presses Ctrl-C (`logs -f`): the next block in its
   * terminal is an `interrupt` one. The docs tests wait for it to start, not to end.
   */
  untilInterrupted?: boolean;
  step?: string;
  /** Why the docs tests do not run this block (the MDX marker's reason). */
  skip?: string;
  /** The block shows a refusal: it must end with a non-zero status (the MDX marker's reason). */
  fails?: string;
}

export interface CheckItem {
  kind: 'check';
  line: number;
  step: string;
  check: Check;
  skip?: string;
}

export type PlanItem = RunItem | CheckItem;

/** `{/* docs-tests: skip — reason *\/}` or `{/* docs-tests: fails — reason *\/}` on the line before a fence. */
const MARKER = /^\s*\{\/\*\s*docs-tests:\s*(skip|fails)\b\s*[—:-]?\s*(.*?)\s*\*\/\}\s*$/;

/** The bytes a Run button types for a block: each line followed by Enter (see components/lab/lab-controller.ts). */
export function typedInput(command: string): string {
  const lines = stripPrompts(command.replace(/\r\n?/g, '\n')).replace(/\n+$/, '').split('\n');
  return lines.map((line) => `${line}\r`).join('');
}

/**
 * Reads a chapter's MDX source (frontmatter already parsed into `checks`) into its plan.
 * Throws, naming file and line, when a step has no check or a check no step.
 */
export function planChapter(file: string, source: string, checks: Record<string, Check> = {}): PlanItem[] {
  const lines = source.split('\n');
  const items: PlanItem[] = [];
  const stepsSeen = new Set<string>();
  let index = 0;
  let step: { id: string; line: number; skip?: string } | undefined;

  // Skip the frontmatter.
  if (lines[0]?.trim() === '---') {
    index = lines.findIndex((text, i) => i > 0 && text.trim() === '---') + 1;
  }

  const closeStep = (line: number) => {
    if (!step) return;
    const check = checks[step.id];
    if (!check) throw new Error(`${file}:${step.line}: <Step id="${step.id}"> has no check in the frontmatter`);
    const skip = step.skip ? `its step has a skipped block (${step.skip})` : undefined;
    items.push({ kind: 'check', line, step: step.id, check, ...(skip ? { skip } : {}) });
    step = undefined;
  };

  for (; index < lines.length; index++) {
    const text = lines[index]!;
    const opening = /^(\s*)(`{3,}|~{3,})(\S*)\s*(.*)$/.exec(text);
    if (opening) {
      const [, indent, fence, , meta] = opening;
      const start = index;
      const marker = previousLine(lines, index);
      const body: string[] = [];
      for (index++; index < lines.length; index++) {
        const inner = lines[index]!;
        if (inner.trim().startsWith(fence!) && inner.trim().replace(/[`~]/g, '') === '') break;
        body.push(inner.startsWith(indent!) ? inner.slice(indent!.length) : inner);
      }
      const options = parseCodeMeta(meta);
      if (!options.run) continue;
      const command = body.join('\n');
      const marked = MARKER.exec(marker);
      if (marked && !marked[2]) throw new Error(`${file}:${start}: a docs-tests ${marked[1]} marker needs a reason`);
      const skip = marked?.[1] === 'skip' ? marked[2] : undefined;
      const fails = marked?.[1] === 'fails' ? marked[2] : undefined;
      if (skip && step) step.skip ??= skip;
      items.push({
        kind: 'run',
        line: start + 1,
        command,
        term: options.term,
        interrupt: options.interrupt,
        ...(step ? { step: step.id } : {}),
        ...(skip ? { skip } : {}),
        ...(fails ? { fails } : {}),
      });
      continue;
    }
    const stepOpen = /<Step\s[^>]*\bid="([^"]+)"/.exec(text);
    if (stepOpen) {
      closeStep(index + 1);
      step = { id: stepOpen[1]!, line: index + 1 };
      if (stepsSeen.has(step.id)) throw new Error(`${file}:${index + 1}: a second <Step id="${step.id}">`);
      stepsSeen.add(step.id);
    }
    if (/<\/Step>/.test(text)) closeStep(index + 1);
  }
  closeStep(lines.length);

  const runs = items.filter((item): item is RunItem => item.kind === 'run');
  runs.forEach((item, i) => {
    const next = runs.slice(i + 1).find((later) => later.term === item.term);
    if (next?.interrupt && !item.skip) item.untilInterrupted = true;
  });

  for (const id of Object.keys(checks)) {
    if (!stepsSeen.has(id)) throw new Error(`${file}: check "${id}" has no <Step id="${id}">`);
  }
  return items;
}

/** The nearest non-blank line above `index` (where a skip marker sits). */
function previousLine(lines: string[], index: number): string {
  for (let i = index - 1; i >= 0; i--) {
    if (lines[i]!.trim() !== '') return lines[i]!;
  }
  return '';
}

export { checkPasses } from '../checks/evaluate';
