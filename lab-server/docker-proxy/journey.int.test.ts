import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPracticeHarness, type PracticeHarness, type PracticeLearner } from '../testing/practice-harness';

/**
 * The guide's Docker journey, typed through the real docker CLI in a real workspace, against
 * the learner's proxy socket on the shared engine.
 */
describe('Docker practice: the learner journey (real engine, real CLI)', () => {
  let harness: PracticeHarness;
  let learner: PracticeLearner;

  beforeAll(async () => {
    harness = await startPracticeHarness('journey');
    learner = await harness.learner();
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  }, 120_000);

  const ok = async (command: string) => {
    const result = await learner.sh(command);
    expect(result.exitCode, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };

  it('docker version and info answer from the lab engine', async () => {
    expect(await ok('docker version --format "{{.Server.APIVersion}}"')).toMatch(/^1\.\d+/);
    expect(await ok('docker info --format "{{.Containers}} {{.Images}}"')).toBe('0 0\n');
  });

  it('search and pull from the offline catalog; images shows what was pulled', async () => {
    expect(await ok('docker search httpd')).toContain('httpd');
    expect(await ok('docker images --format "{{.Repository}}:{{.Tag}}"')).toBe('');
    expect(await ok('docker pull httpd')).toContain('Downloaded newer image for httpd:latest');
    expect(await ok('docker images --format "{{.Repository}}:{{.Tag}}"')).toBe('httpd:latest\n');
    const denied = await learner.sh('docker pull nosuchimage');
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr).toContain('images available offline');
  });

  it('run with a name, a port and a bind mount of $PWD; curl localhost:PORT reaches it', async () => {
    await ok('mkdir -p ~/site && echo "<h1>hello from the lab</h1>" > ~/site/index.html');
    await ok('cd ~/site && docker run -d --name ApacheA -p 8000:80 -v "$PWD":/usr/local/apache2/htdocs/ httpd');
    const ps = await ok('docker ps --format "{{.Names}} {{.Ports}} {{.Image}}"');
    expect(ps).toBe('ApacheA 0.0.0.0:8000->80/tcp httpd\n');
    let page = '';
    for (let i = 0; i < 40 && !page.includes('hello'); i++) {
      page = (await learner.sh('curl -s localhost:8000/')).stdout;
      if (!page.includes('hello')) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page).toContain('<h1>hello from the lab</h1>');
    expect(await ok('docker port ApacheA')).toContain('80/tcp -> 0.0.0.0:8000');
    const preview = await fetch(`${harness.url}/preview/8000/`, { headers: { cookie: learner.cookie } });
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('<h1>hello from the lab</h1>');
    expect((await fetch(`${harness.url}/preview/8000/`)).status).toBe(401);
    expect((await fetch(`${harness.url}/preview/8001/`, { headers: { cookie: learner.cookie } })).status).toBe(404);
    const second = await learner.sh('docker run -d --name ApacheB -p 8000:80 httpd');
    expect(second.stderr).toContain('port is already allocated');
  });

  it('logs, exec, top, inspect -f, rename, stop/start, ps -a', async () => {
    expect(await ok('docker logs ApacheA 2>&1')).toMatch(/GET \/ HTTP|resuming normal operations|AH0/);
    expect(await ok('docker exec ApacheA cat /usr/local/apache2/htdocs/index.html')).toContain('hello from the lab');
    expect(await ok('docker top ApacheA')).toContain('httpd');
    expect(await ok('docker inspect -f "{{.HostConfig.Memory}} {{.HostConfig.NetworkMode}} {{.Name}}" ApacheA')).toBe('536870912 bridge /ApacheA\n');
    await ok('docker rename ApacheA web');
    await ok('docker stop -t 1 web');
    expect(await ok('docker ps -a --format "{{.Names}} {{.State}}"')).toContain('web exited');
    await ok('docker start web');
    expect(await ok('docker ps --format "{{.Names}}"')).toContain('web');
    expect(await ok('docker ps -l --format "{{.Names}} {{.State}}"')).toBe('ApacheB created\n'); // the latest created, as on a real host
    expect(await ok('docker stats --no-stream --format "{{.Name}} {{.MemUsage}}" web')).toMatch(/^web .*MiB/);
    expect(await ok('script -qec "docker exec -it web bash -c \'echo inside-\\$HOSTNAME\'" /dev/null')).toMatch(/inside-[0-9a-f]{12}/);
    const events = await ok('docker events --since 5m --until "$(date +%s)" --filter event=rename --format "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"');
    expect(events).toBe('container rename web\n');
    expect(await ok('docker network inspect bridge -f "{{.Name}} {{len .Containers}}"')).toMatch(/^bridge \d+\n$/);
  });

  it('docker update changes the limits of a container made from a named image', async () => {
    await ok('docker update --memory 256m --memory-swap 256m web');
    expect(await ok('docker inspect -f "{{.HostConfig.Memory}}" web')).toBe('268435456\n');
  });

  it('docker run -it with a TTY: output comes back through the attach stream', async () => {
    expect(await ok('script -qec "docker run --rm -it busybox echo tty-works" /dev/null')).toContain('tty-works');
    const both = await ok('docker run --rm busybox sh -c "echo out; echo err >&2" 2>&1');
    expect(both).toContain('out\n');
    expect(both).toContain('err\n');
  });

  it('limits: --memory and --cpus show in inspect; more than the lab allows is refused clearly', async () => {
    await ok('docker run -d --name limited --memory 256m --cpus 0.5 --cpu-shares 512 busybox sleep 300');
    expect(await ok('docker inspect -f "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}" limited')).toBe('268435456 500000000 512\n');
    const tooMuch = await learner.sh('docker run --rm --memory 8g busybox true');
    expect(tooMuch.stderr).toContain('Error response from daemon: lab policy: memory limit above');
    const privileged = await learner.sh('docker run --rm --privileged busybox true');
    expect(privileged.stderr).toContain('Error response from daemon: lab policy: HostConfig.Privileged is not allowed in the lab');
    const hostMount = await learner.sh('docker run --rm -v /etc:/host busybox true');
    expect(hostMount.stderr).toContain('lab policy: only paths inside your home directory');
  });

  it('networks and volumes: two containers talk by name on a user network; a volume outlives its container', async () => {
    await ok('docker network create appnet');
    expect(await ok('docker network ls --format "{{.Name}}"')).toMatch(/bridge[\s\S]*appnet|appnet[\s\S]*bridge/);
    await ok('docker run -d --name server --network appnet busybox httpd -f -p 8080 -h /etc');
    const fetched = await ok('docker run --rm --network appnet busybox wget -qO- http://server:8080/hostname');
    expect(fetched.length).toBeGreaterThan(0);
    await ok('docker volume create notes');
    await ok('docker run --rm -v notes:/data busybox sh -c "echo first note > /data/n.txt"');
    expect(await ok('docker run --rm -v notes:/data busybox cat /data/n.txt')).toBe('first note\n');
    expect(await ok('docker volume ls --format "{{.Name}}"')).toBe('notes\n');
  });

  it('build, tag, history, commit, rmi', async () => {
    await ok('mkdir -p ~/app && printf "FROM busybox\\nRUN echo built > /built.txt\\nCMD [\\"cat\\", \\"/built.txt\\"]\\n" > ~/app/Dockerfile');
    const built = await ok('cd ~/app && docker build -t myapp:1.0 . 2>&1');
    expect(built).toContain('Successfully tagged myapp:1.0');
    expect(await ok('docker run --rm myapp:1.0')).toBe('built\n');
    await ok('docker tag myapp:1.0 myapp:latest');
    expect(await ok('docker images --format "{{.Repository}}:{{.Tag}}" myapp')).toMatch(/myapp:1\.0[\s\S]*myapp:latest|myapp:latest[\s\S]*myapp:1\.0/);
    expect(await ok('docker history myapp:1.0')).toContain('echo built');
    await ok('docker exec web sh -c "echo changed > /tmp/changed.txt"');
    await ok('docker commit -m "a change" -a "Learner" web web-snapshot');
    expect(await ok('docker run --rm web-snapshot cat /tmp/changed.txt')).toBe('changed\n');
    await ok('docker rmi myapp:latest');
    expect(await ok('docker images --format "{{.Repository}}:{{.Tag}}" myapp')).toBe('myapp:1.0\n');
  });

  it('rmi of the last name of an image a container uses needs -f, as on a real engine', async () => {
    const refused = await learner.sh('docker rmi httpd');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/conflict: unable to remove repository reference "httpd" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}/);
    expect(await ok('docker images --format "{{.Repository}}:{{.Tag}}" httpd')).toBe('httpd:latest\n');
  });

  it('the lab registry: login, tag, push, remove, pull back', async () => {
    expect(await ok('docker login localhost:5000 -u student -p docker-lab 2>&1')).toContain('Login Succeeded');
    await ok('docker tag myapp:1.0 localhost:5000/myapp:1.0');
    const pushed = await ok('docker push localhost:5000/myapp:1.0 2>&1');
    expect(pushed).toContain('The push refers to repository [localhost:5000/myapp]');
    expect(pushed).toMatch(/1\.0: digest: sha256:[0-9a-f]{64}/);
    expect(await ok('docker image inspect -f "{{range .RepoDigests}}{{println .}}{{end}}" localhost:5000/myapp:1.0')).toMatch(/^localhost:5000\/myapp@sha256:[0-9a-f]{64}\n+$/);
    await ok('docker rmi localhost:5000/myapp:1.0');
    expect(await ok('docker pull localhost:5000/myapp:1.0 2>&1')).toContain('localhost:5000/myapp:1.0');
    expect(await ok('docker images --digests --format "{{.Repository}} {{.Digest}}" localhost:5000/myapp')).toMatch(/^localhost:5000\/myapp sha256:[0-9a-f]{64}\n$/);
    expect(await ok('docker run --rm localhost:5000/myapp:1.0')).toBe('built\n');
    const elsewhere = await learner.sh('docker push myapp:1.0');
    expect(elsewhere.stderr).toContain('lab policy: the lab has no internet access');
  });

  it('save and load: the tarball carries the learner’s own tag names', async () => {
    await ok('docker save -o ~/myapp.tar myapp:1.0');
    expect(await ok('tar -xOf ~/myapp.tar manifest.json')).toContain('"myapp:1.0"');
    await ok('docker rmi myapp:1.0');
    expect(await ok('docker load -i ~/myapp.tar')).toContain('myapp:1.0');
    expect(await ok('docker run --rm myapp:1.0')).toBe('built\n');
  });

  it('export and import; cp both ways', async () => {
    await ok('docker create --name box busybox && docker export box > ~/box.tar && docker import - imported:1 < ~/box.tar');
    expect(await ok('docker images --format "{{.Repository}}:{{.Tag}}" imported')).toBe('imported:1\n');
    await ok('echo copied-in > ~/in.txt && docker cp ~/in.txt web:/tmp/in.txt && docker cp web:/tmp/in.txt ~/back.txt');
    expect(await ok('cat ~/back.txt')).toBe('copied-in\n');
  });

  it('docker compose: up -d, ps, logs, a published port, down -v', async () => {
    await ok(`mkdir -p ~/stack/site && echo "<p>composed</p>" > ~/stack/site/index.html && cat > ~/stack/compose.yaml <<'YAML'
services:
  web:
    image: httpd
    ports: ["8081:80"]
    volumes: ["./site:/usr/local/apache2/htdocs/"]
  client:
    image: busybox
    command: sh -c "sleep 2; wget -qO- http://web/; sleep 300"
    depends_on: [web]
    volumes: ["cache:/cache"]
volumes:
  cache: {}
YAML`);
    await ok('cd ~/stack && docker compose up -d 2>&1');
    expect(await ok('cd ~/stack && docker compose ps --format "{{.Service}} {{.State}}" | sort')).toBe('client running\nweb running\n');
    let page = '';
    for (let i = 0; i < 40 && !page.includes('composed'); i++) {
      page = (await learner.sh('curl -s localhost:8081/')).stdout;
      if (!page.includes('composed')) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page).toContain('<p>composed</p>');
    let logs = '';
    for (let i = 0; i < 40 && !logs.includes('composed'); i++) {
      logs = (await learner.sh('cd ~/stack && docker compose logs client')).stdout;
      if (!logs.includes('composed')) await new Promise((r) => setTimeout(r, 250));
    }
    expect(logs).toContain('<p>composed</p>');
    await ok('cd ~/stack && docker compose down -v 2>&1');
    expect(await ok('docker ps -a --format "{{.Names}}" | grep stack || true')).toBe('');
    expect(await ok('docker network ls --format "{{.Name}}"')).not.toContain('stack_default');
    expect(await ok('docker volume ls -q')).not.toContain('stack_cache');
  });

  it('rm, prune, and the learner sees nothing of the lab itself', async () => {
    await ok('docker rm -f web limited server box ApacheB');
    expect(await ok('docker ps -a --format "{{.Names}}"')).toBe('');
    expect(await ok('docker network ls --format "{{.Name}}"')).not.toMatch(/lab-|ws-/);
    expect(await ok('docker images --format "{{.Repository}}"')).not.toMatch(/lab\.local|lab\//);
  });
});
