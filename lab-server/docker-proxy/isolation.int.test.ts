import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPracticeHarness, type PracticeHarness, type PracticeLearner } from '../testing/practice-harness';

/** Two learners typing the same commands at the same moment: same names, ports and tags. */
describe('Docker practice: two learners, same names, ports and tags (real engine)', () => {
  let harness: PracticeHarness;
  let alice: PracticeLearner;
  let bob: PracticeLearner;

  beforeAll(async () => {
    harness = await startPracticeHarness('isolation');
    [alice, bob] = await Promise.all([harness.learner(), harness.learner()]);
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  }, 120_000);

  const both = async (command: (who: string) => string) => {
    const [a, b] = await Promise.all([alice.sh(command('alice')), bob.sh(command('bob'))]);
    expect(a.exitCode, `${command('alice')}\n${a.stdout}${a.stderr}`).toBe(0);
    expect(b.exitCode, `${command('bob')}\n${b.stdout}${b.stderr}`).toBe(0);
    return [a.stdout, b.stdout] as const;
  };

  it('both run "web" on port 8080 with their own page, and each curl reaches their own', async () => {
    await both((who) => `mkdir -p ~/site && echo "page of ${who}" > ~/site/index.html && cd ~/site && docker run -d --name web -p 8080:80 -v "$PWD":/usr/local/apache2/htdocs/ httpd >/dev/null`);
    let pages: readonly [string, string] = ['', ''];
    for (let i = 0; i < 40 && !(pages[0].includes('alice') && pages[1].includes('bob')); i++) {
      pages = await both(() => 'curl -s localhost:8080/ || true');
      if (!(pages[0].includes('alice') && pages[1].includes('bob'))) await new Promise((r) => setTimeout(r, 250));
    }
    expect(pages[0]).toBe('page of alice\n');
    expect(pages[1]).toBe('page of bob\n');
  });

  it('both build and tag "myapp:1.0" and each runs their own build', async () => {
    await both((who) => `mkdir -p ~/app && printf 'FROM busybox\\nCMD ["echo", "built by ${who}"]\\n' > ~/app/Dockerfile && cd ~/app && docker build -q -t myapp:1.0 . >/dev/null`);
    const [a, b] = await both(() => 'docker run --rm myapp:1.0');
    expect(a).toBe('built by alice\n');
    expect(b).toBe('built by bob\n');
  });

  it('both create network "net" and volume "data"; each sees exactly their own objects', async () => {
    await both((who) => `docker network create net >/dev/null && docker volume create data >/dev/null && docker run --rm -v data:/d busybox sh -c "echo ${who} > /d/owner"`);
    const [a, b] = await both(() => 'docker run --rm -v data:/d busybox cat /d/owner');
    expect(a).toBe('alice\n');
    expect(b).toBe('bob\n');
    const [psA, psB] = await both(() => 'docker ps -a --format "{{.Names}}"; docker network ls --format "{{.Name}}" | sort; docker volume ls -q; docker images --format "{{.Repository}}:{{.Tag}}" | sort');
    expect(psA).toBe(psB);
    expect(psA).toBe('web\nbridge\nnet\ndata\nbusybox:latest\nhttpd:latest\nmyapp:1.0\n');
  });

  it('one learner removing everything leaves the other untouched', async () => {
    const wipe = await alice.sh('docker rm -f $(docker ps -aq) && docker network rm net && docker volume rm data && docker rmi myapp:1.0 httpd busybox');
    expect(wipe.exitCode, wipe.stderr).toBe(0);
    expect((await bob.sh('docker ps --format "{{.Names}}"; docker volume ls -q; docker images -q myapp:1.0 | wc -l')).stdout).toBe('web\ndata\n1\n');
    expect((await bob.sh('curl -s localhost:8080/')).stdout).toBe('page of bob\n');
  });

  it('ending a lab removes every object that learner made', async () => {
    const before = (await harness.lab.docker.listContainers({ all: true, filters: { label: [`lab.learner=${bob.learnerId}`, 'lab.role=learner-object'] } })).length;
    expect(before).toBeGreaterThan(0);
    await bob.end();
    const containers = await harness.lab.docker.listContainers({ all: true, filters: { label: [`lab.learner=${bob.learnerId}`] } });
    const networks = await harness.lab.docker.listNetworks({ filters: { label: [`lab.learner=${bob.learnerId}`] } });
    const volumes = await harness.lab.docker.listVolumes({ filters: { label: [`lab.learner=${bob.learnerId}`] } });
    expect(containers).toEqual([]);
    expect(networks).toEqual([]);
    expect(volumes.Volumes ?? []).toEqual([]);
  });
});
