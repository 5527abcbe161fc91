import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabServer, type LabServer } from '../http/server';
import { createLogger } from '../log';
import { integrationConfig } from '../testing/integration-setup';
import { startSession, TermClient } from '../testing/term-client';

const config = { ...integrationConfig(), port: 0 };

/**
 * A reset (the learner's own, or an instructor's) races the periodic sweep and the old shell's
 * "container gone" news. Neither may take the half-removed old workspace for an orphan — removing
 * the home directory the new one is about to mount — nor end the new workspace for the old one's death.
 */
describe('reset while the sweep and the old panes react (real engine)', () => {
  let lab: LabServer;
  let base = '';
  beforeAll(async () => {
    lab = await createLabServer(config, { serveSite: false, logger: createLogger('silent', false) });
    base = await lab.listen();
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('every reset ends in a fresh, working workspace with a new home mounted and Docker practice answering', async () => {
    const cookie = await startSession(base);
    const sweep = () => (lab.sessions as unknown as { sweep(): Promise<void> }).sweep();
    try {
      for (let round = 0; round < 4; round++) {
        const term = new TermClient(base, cookie);
        await term.hello('1', null);
        await term.run(`echo round-${round} > ~/note.txt`);
        let sweeping = true;
        const sweeper = (async () => {
          while (sweeping) await sweep();
        })();
        const reset = await fetch(`${base}/api/lab/session/reset`, { method: 'POST', headers: { cookie } });
        expect(reset.status).toBe(200);
        await startSession(base, cookie, 30_000);
        await new Promise((resolve) => setTimeout(resolve, 1_500)); // let the old pane's news and a few sweeps arrive
        sweeping = false;
        await sweeper;
        const status = (await (await fetch(`${base}/api/lab/session`, { headers: { cookie } })).json()) as { state: string };
        expect(status.state).toBe('ready');
        const fresh = new TermClient(base, cookie);
        await fresh.hello('1', null);
        // A fresh workspace: the old note is gone, the new home is mounted and writable, Docker practice answers.
        const answer = await fresh.run('cat ~/note.txt 2>/dev/null || echo no-note; touch ~/new && echo home-ok; docker ps >/dev/null && echo docker-ok', 30_000);
        expect(answer).toMatch(/no-note[\s\S]*home-ok[\s\S]*docker-ok/);
        await fresh.close();
        await term.close();
      }
    } finally {
      await fetch(`${base}/api/lab/session`, { method: 'DELETE', headers: { cookie } });
    }
  }, 120_000);
});
