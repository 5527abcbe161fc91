import { parseCodeMeta } from '../../lib/content/code-meta';
import { stripPrompts } from '../../lib/content/code-text';
import type { Check } from '../../lib/content/schema';

/**
 * The docs tests: what a reader would do on a page, in page order — every `run` block typed
 * into its terminal, and each `<Step>`'s check (frontmatter `checks.<id>`) run after the step.
 *
 * Docker practice inside the workspace needs the per-learner Engine API proxy, which has not
 * landed: a block that calls `docker`, and every block after it on the same page (they build on
 * what it made: `docker exec` shells, containers on ports, images), is *pending*, as is a check
 * that calls `docker` or whose step has a pending block. Pending items are reported, not skipped.
 */
export interface RunItem {
  kind: 'run';
  /** 1-based line of the fence in the MDX file. */
  line: number;
  command: string;
  term: number;
  interrupt: boolean;
  step?: string;
  pending?: string;
}

export interface CheckItem {
  kind: 'check';
  line: number;
  step: string;
  check: Check;
  pending?: string;
}

export type PlanItem = RunItem | CheckItem;

export const NEEDS_DOCKER = 'needs Docker practice in the workspace (the Engine API proxy has not landed)';
export const AFTER_DOCKER = 'follows a Docker block on this page and builds on what it made';

/** Whether a shell command uses Docker: the docker CLI, compose, or the Engine API socket. */
export function callsDocker(command: string): boolean {
  return /(^|[\s;&|($`])(docker|docker-compose)(\s|$)/m.test(command) || /docker\.sock|DOCKER_HOST/.test(command);
}

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
  let step: { id: string; line: number; pending?: string } | undefined;
  let afterDocker = false;

  // Skip the frontmatter.
  if (lines[0]?.trim() === '---') {
    index = lines.findIndex((text, i) => i > 0 && text.trim() === '---') + 1;
  }

  const closeStep = (line: number) => {
    if (!step) return;
    const check = checks[step.id];
    if (!check) throw new Error(`${file}:${step.line}: <Step id="${step.id}"> has no check in the frontmatter`);
    const pending = callsDocker(check.run) ? NEEDS_DOCKER : step.pending;
    items.push({ kind: 'check', line, step: step.id, check, ...(pending ? { pending } : {}) });
    step = undefined;
  };

  for (; index < lines.length; index++) {
    const text = lines[index]!;
    const opening = /^(\s*)(`{3,}|~{3,})(\S*)\s*(.*)$/.exec(text);
    if (opening) {
      const [, indent, fence, , meta] = opening;
      const start = index;
      const body: string[] = [];
      for (index++; index < lines.length; index++) {
        const inner = lines[index]!;
        if (inner.trim().startsWith(fence!) && inner.trim().replace(/[`~]/g, '') === '') break;
        body.push(inner.startsWith(indent!) ? inner.slice(indent!.length) : inner);
      }
      const options = parseCodeMeta(meta);
      if (!options.run) continue;
      const command = body.join('\n');
      let pending: string | undefined;
      if (callsDocker(command)) {
        pending = NEEDS_DOCKER;
        afterDocker = true;
      } else if (afterDocker) {
        pending = AFTER_DOCKER;
      }
      if (pending && step) step.pending ??= pending;
      items.push({
        kind: 'run',
        line: start + 1,
        command,
        term: options.term,
        interrupt: options.interrupt,
        ...(step ? { step: step.id } : {}),
        ...(pending ? { pending } : {}),
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

  for (const id of Object.keys(checks)) {
    if (!stepsSeen.has(id)) throw new Error(`${file}: check "${id}" has no <Step id="${id}">`);
  }
  return items;
}

export { checkPasses } from '../checks/evaluate';
