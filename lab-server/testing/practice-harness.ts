import fs from 'node:fs/promises';
import path from 'node:path';
import type { LabConfig } from '../config';
import { createLabServer, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { learnerFromToken } from '../sessions/identity';
import { execInWorkspace, type ExecResult } from '../runtime/workspaces';
import { integrationConfig } from './integration-setup';
import { startSession } from './term-client';

export interface PracticeLearner {
  cookie: string;
  learnerId: string;
  /** The learner's proxy socket on the host (what their workspace sees as /var/run/docker.sock). */
  socketPath: string;
  /** Runs a bash command line in the learner's workspace, as typed in their terminal. */
  sh(command: string, timeoutMs?: number): Promise<ExecResult>;
  end(): Promise<void>;
}

export interface PracticeHarness {
  lab: LabServer;
  url: string;
  learner(): Promise<PracticeLearner>;
  close(): Promise<void>;
}

/**
 * A lab server with its own data directory (so its objects never mix with another test's), and
 * learners whose commands run in their real workspace through the real docker CLI.
 */
export async function startPracticeHarness(name: string, overrides: Partial<LabConfig> = {}): Promise<PracticeHarness> {
  const base = integrationConfig();
  const dataDir = overrides.dataDir ?? path.join(path.dirname(base.dataDir), `practice-${name}`);
  const config = { ...base, port: 0, maxWorkspacesPerIp: 20, ...overrides, dataDir };
  const lab = await createLabServer(config, { serveSite: false, logger: createLogger(process.env.LAB_TEST_LOG ?? 'silent', false) });
  const url = await lab.listen();
  const learners: PracticeLearner[] = [];
  return {
    lab,
    url,
    async learner() {
      const cookie = await startSession(url);
      const learnerId = learnerFromToken(cookie.split('=')[1]!).id;
      const containerId = lab.sessions.containerOf(learnerId);
      if (!containerId) throw new Error('workspace not ready');
      const learner: PracticeLearner = {
        cookie,
        learnerId,
        socketPath: lab.practice.socketPathOf(learnerId),
        sh: (command, timeoutMs = 60_000) => execInWorkspace(lab.docker, containerId, ['bash', '-c', command], timeoutMs),
        end: async () => {
          await fetch(`${url}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
        },
      };
      learners.push(learner);
      return learner;
    },
    async close() {
      // No admissions from the queue while the learners end (a hostile test leaves many queued).
      lab.sessions.stop();
      for (const learner of learners) await learner.end().catch(() => undefined);
      await lab.practice.registry.remove({ data: true }).catch(() => undefined);
      await lab.close();
      await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
