import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSocketExchange, socketRequest } from '../testing/engine-socket';
import { startPracticeHarness, type PracticeHarness, type PracticeLearner } from '../testing/practice-harness';

/**
 * Hostile requests on a learner's proxy socket, one family of traps per case. Each asserts the
 * refusal, that nothing was created, and that the other learner's container is untouched.
 */
describe('Docker practice: adversarial requests (real engine)', () => {
  let harness: PracticeHarness;
  let attacker: PracticeLearner;
  let victim: PracticeLearner;
  let victimId = '';
  let victimExec = '';
  const engineSocket = '/var/run/docker.sock';

  const api = (learner: PracticeLearner, method: string, path: string, body?: unknown) => socketRequest(learner.socketPath, method, `/v1.41${path}`, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  const ownCount = async (learner: PracticeLearner) => (await api(learner, 'GET', '/containers/json?all=1')).json<unknown[]>().length;

  beforeAll(async () => {
    harness = await startPracticeHarness('adversarial');
    [attacker, victim] = await Promise.all([harness.learner(), harness.learner()]);
    await victim.sh('docker pull busybox >/dev/null && docker run -d --name web busybox sleep 600 >/dev/null && docker network create vnet >/dev/null && docker volume create vvol >/dev/null');
    victimId = (await api(victim, 'GET', '/containers/web/json')).json<{ Id: string }>().Id;
    victimExec = (await api(victim, 'POST', `/containers/${victimId}/exec`, { Cmd: ['true'] })).json<{ Id: string }>().Id;
    await attacker.sh('docker pull busybox >/dev/null');
  }, 240_000);

  afterAll(async () => {
    // The victim was never disturbed: their container still runs with its name.
    const still = await api(victim, 'GET', '/containers/web/json');
    expect(still.json<{ State: { Running: boolean } }>().State.Running).toBe(true);
    await harness?.close();
  }, 120_000);

  const base = { Image: 'busybox', Cmd: ['true'] };
  const refusedCreates: Array<[string, unknown, RegExp]> = [
    ['privileged', { ...base, HostConfig: { Privileged: true } }, /Privileged is not allowed/],
    ['privileged with a lower-case key', { ...base, hostconfig: { privileged: true } }, /Privileged is not allowed/],
    ['duplicate keys differing in case', `{"Image":"busybox","HostConfig":{},"hostConfig":{"Privileged":true}}`, /appears twice/],
    ['duplicate keys inside HostConfig', `{"Image":"busybox","HostConfig":{"Memory":1,"memory":99999999999}}`, /appears twice/],
    ['cap-add SYS_ADMIN', { ...base, HostConfig: { CapAdd: ['SYS_ADMIN'] } }, /capability SYS_ADMIN cannot be added/],
    ['cap-add ALL', { ...base, HostConfig: { CapAdd: ['ALL'] } }, /capability ALL cannot be added/],
    ['cap-add CAP_NET_ADMIN spelled with prefix', { ...base, HostConfig: { CapAdd: ['cap_net_admin'] } }, /NET_ADMIN cannot be added/],
    ['bind mount of /', { ...base, HostConfig: { Binds: ['/:/host'] } }, /only paths inside your home/],
    ['bind mount of /etc', { ...base, HostConfig: { Binds: ['/etc:/etc'] } }, /only paths inside your home/],
    ['bind mount escaping home with ..', { ...base, HostConfig: { Binds: ['/root/../etc:/x'] } }, /only paths inside your home/],
    ['a bind in the Mounts syntax', { ...base, HostConfig: { Mounts: [{ Type: 'bind', Source: '/proc', Target: '/p' }] } }, /only paths inside your home/],
    ['a volume with local driver options (bind any host path)', { ...base, HostConfig: { Mounts: [{ Type: 'volume', Source: 'x', Target: '/x', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/' } } } }] } }, /driver options are not allowed/],
    ['a volume driver', { ...base, HostConfig: { VolumeDriver: 'evil' } }, /VolumeDriver is not allowed/],
    ['bind propagation', { ...base, HostConfig: { Mounts: [{ Type: 'bind', Source: '/root', Target: '/r', BindOptions: { Propagation: 'rshared' } }] } }, /propagation is not allowed/],
    ['host PID namespace', { ...base, HostConfig: { PidMode: 'host' } }, /host namespaces are never shared/],
    ['host IPC namespace', { ...base, HostConfig: { IpcMode: 'host' } }, /host namespaces are never shared/],
    ['host network', { ...base, HostConfig: { NetworkMode: 'host' } }, /host network is not available/],
    ['host UTS namespace', { ...base, HostConfig: { UTSMode: 'host' } }, /UTSMode is not allowed/],
    ['host user namespace', { ...base, HostConfig: { UsernsMode: 'host' } }, /UsernsMode is not allowed/],
    ['host cgroup namespace', { ...base, HostConfig: { CgroupnsMode: 'host' } }, /CgroupnsMode/],
    ['a device', { ...base, HostConfig: { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] } }, /Devices is not allowed/],
    ['device cgroup rules', { ...base, HostConfig: { DeviceCgroupRules: ['a *:* rwm'] } }, /DeviceCgroupRules is not allowed/],
    ['GPU device requests', { ...base, HostConfig: { DeviceRequests: [{ Count: -1, Capabilities: [['gpu']] }] } }, /DeviceRequests is not allowed/],
    ['seccomp=unconfined', { ...base, HostConfig: { SecurityOpt: ['seccomp=unconfined'] } }, /security option "seccomp=unconfined" is not allowed/],
    ['apparmor=unconfined', { ...base, HostConfig: { SecurityOpt: ['apparmor=unconfined'] } }, /security option "apparmor=unconfined"/],
    ['sysctls', { ...base, HostConfig: { Sysctls: { 'net.ipv4.ip_forward': '1' } } }, /Sysctls is not allowed/],
    ['cgroup parent', { ...base, HostConfig: { CgroupParent: '/' } }, /CgroupParent is not allowed/],
    ['another runtime', { ...base, HostConfig: { Runtime: 'io.containerd.runc.v2-evil' } }, /runtime .* is not allowed/],
    ['masked paths cleared', { ...base, HostConfig: { MaskedPaths: [], ReadonlyPaths: ['/x'] } }, /ReadonlyPaths is not allowed/],
    ['an unknown field', { ...base, HostConfig: { FutureEscapeHatch: true } }, /FutureEscapeHatch is not allowed/],
    ['label spoofing another owner', { ...base, Labels: { 'lab.learner': 'someone-else' } }, /reserved for the lab/],
    ['memory above the cap', { ...base, HostConfig: { Memory: 8 * 1024 ** 3 } }, /memory limit above/],
    ['more CPUs than the cap', { ...base, HostConfig: { NanoCpus: 16e9 } }, /more than 2 CPUs/],
    ['a huge nofile ulimit', { ...base, HostConfig: { Ulimits: [{ Name: 'nofile', Soft: 1048576, Hard: 1048576 }] } }, /ulimit nofile above/],
    ['restart on-failure beyond 3 retries', { ...base, HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 100 } } }, /at most 3 restarts/],
    ['a huge tmpfs', { ...base, HostConfig: { Tmpfs: { '/t': 'size=10g' } } }, /tmpfs larger than/],
    ['a huge /dev/shm', { ...base, HostConfig: { ShmSize: 8 * 1024 ** 3 } }, /shm size above/],
    ['joining the victim’s network namespace by id', () => ({ ...base, HostConfig: { NetworkMode: `container:${victimId}` } }), /No such container/],
    ['volumes from the victim', () => ({ ...base, HostConfig: { VolumesFrom: [victimId] } }), /No such container/],
    ['a fixed IP address', { ...base, NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { IPv4Address: '172.17.0.99' } } } } }, /IPAMConfig is not allowed/],
    ['an image in the lab’s private namespace', { ...base, Image: 'lab.local/x/docker.io/library/busybox:latest' }, /reserved for the lab/],
  ];

  for (const [name, body, expected] of refusedCreates) {
    it(`refuses a container with ${name}`, async () => {
      const before = await ownCount(attacker);
      const payload = typeof body === 'function' ? (body as () => unknown)() : body;
      const answer = await api(attacker, 'POST', '/containers/create?name=probe', payload);
      expect(answer.status, answer.body).toBeGreaterThanOrEqual(400);
      expect(answer.json<{ message: string }>().message).toMatch(expected);
      expect(await ownCount(attacker)).toBe(before);
    });
  }

  it('clamps what it does not refuse: pids, memory, capabilities, no-new-privileges, log size', async () => {
    const created = await api(attacker, 'POST', '/containers/create?name=clamped', { ...base, HostConfig: { PidsLimit: 0, CapDrop: ['NET_RAW'] } });
    expect(created.status, created.body).toBe(201);
    const id = created.json<{ Id: string }>().Id;
    const real = (await socketRequest(engineSocket, 'GET', `/containers/${id}/json`)).json<{ HostConfig: Record<string, unknown> }>().HostConfig;
    expect(real.PidsLimit).toBe(256);
    expect(real.Memory).toBe(512 * 1024 * 1024);
    expect(real.MemorySwap).toBe(512 * 1024 * 1024);
    expect(real.Privileged).toBe(false);
    expect(real.CapDrop).toEqual(['ALL']);
    expect(real.CapAdd).not.toContain('NET_RAW');
    expect(real.CapAdd).not.toContain('MKNOD');
    expect(real.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(real.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-file': '2', 'max-size': '10m' } });
    expect(real.PortBindings).toEqual({});
    await api(attacker, 'DELETE', `/containers/${id}?force=1`);
  });

  it('restart always and unless-stopped (Compose files) are applied as on-failure:3, with a warning', async () => {
    for (const name of ['always', 'unless-stopped']) {
      const created = await api(attacker, 'POST', `/containers/create?name=restart-${name}`, { ...base, HostConfig: { RestartPolicy: { Name: name } } });
      expect(created.status, created.body).toBe(201);
      const { Id: id, Warnings: warnings } = created.json<{ Id: string; Warnings: string[] }>();
      expect(warnings.join('\n')).toContain(`restart policy "${name}" is applied as on-failure:3`);
      const real = (await socketRequest(engineSocket, 'GET', `/containers/${id}/json`)).json<{ HostConfig: { RestartPolicy: unknown } }>().HostConfig;
      expect(real.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
      await api(attacker, 'DELETE', `/containers/${id}?force=1`);
    }
  });

  it('the Docker socket mounted into a container is the learner’s own proxy socket, never the engine’s', async () => {
    const created = await api(attacker, 'POST', '/containers/create?name=sock', { ...base, Cmd: ['test', '-S', '/var/run/docker.sock'], HostConfig: { Binds: ['/var/run/docker.sock:/var/run/docker.sock'] } });
    expect(created.status, created.body).toBe(201);
    const id = created.json<{ Id: string }>().Id;
    const binds = (await socketRequest(engineSocket, 'GET', `/containers/${id}/json`)).json<{ HostConfig: { Binds: string[] } }>().HostConfig.Binds;
    expect(binds).toEqual([`${harness.lab.practice.tenant(attacker.learnerId).socketSource}:/var/run/docker.sock`]);
    expect(binds[0]).toMatch(new RegExp(`^/run/lab-nosymfollow/[0-9a-f]+/${attacker.learnerId}/docker/docker.sock:`));
    expect((await attacker.sh('docker start -a sock; echo "exit=$?"')).stdout).toContain('exit=0');
    await api(attacker, 'DELETE', `/containers/${id}?force=1`);
  });

  it('a Dockerfile cannot set the lab’s own labels (build containers carry them)', async () => {
    const result = await attacker.sh('mkdir -p ~/spoof && printf "FROM busybox\\nLABEL lab.role=workspace lab.learner=someone\\nRUN true\\n" > ~/spoof/Dockerfile && cd ~/spoof && docker build -t spoof . 2>&1');
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toContain('lab policy: labels starting with "lab." are reserved for the lab');
    expect((await api(attacker, 'POST', '/containers/create?name=tocommit', base)).status).toBe(201);
    const commit = await api(attacker, 'POST', `/commit?container=tocommit&repo=x&changes=${encodeURIComponent('LABEL lab.role=workspace')}`);
    expect(commit.json<{ message: string }>().message).toMatch(/reserved for the lab/);
    await api(attacker, 'DELETE', '/containers/tocommit?force=1');
  });

  it('a symlink in the home pointing at /etc cannot be bind-mounted (nosymfollow)', async () => {
    const result = await attacker.sh('ln -sfn /etc ~/evil && docker run --rm -v ~/evil:/x busybox ls /x 2>&1; echo "exit=$?"');
    expect(result.stdout).toMatch(/exit=[1-9]/);
    expect(result.stdout).not.toContain('passwd');
  });

  it('the victim’s objects are absent by id, id prefix and name; lists show none of them', async () => {
    for (const ref of [victimId, victimId.slice(0, 12), victimId.slice(0, 4)]) {
      expect((await api(attacker, 'GET', `/containers/${ref}/json`)).status).toBe(404);
      expect((await api(attacker, 'POST', `/containers/${ref}/stop`)).status).toBe(404);
      expect((await api(attacker, 'DELETE', `/containers/${ref}?force=1`)).status).toBe(404);
      expect((await api(attacker, 'POST', `/containers/${ref}/exec`, { Cmd: ['id'] })).status).toBe(404);
    }
    expect((await api(attacker, 'GET', '/containers/web/json')).status).toBe(404);
    expect((await api(attacker, 'GET', '/networks/vnet')).status).toBe(404);
    expect((await api(attacker, 'GET', '/volumes/vvol')).status).toBe(404);
    const lists = [await api(attacker, 'GET', '/containers/json?all=1'), await api(attacker, 'GET', '/networks'), await api(attacker, 'GET', '/volumes'), await api(attacker, 'GET', '/images/json'), await api(attacker, 'GET', '/system/df')];
    for (const list of lists) {
      expect(list.body).not.toContain(victimId);
      expect(list.body).not.toContain('vnet');
      expect(list.body).not.toContain('vvol');
    }
    expect((await api(attacker, 'GET', `/exec/${victimExec}/json`)).status).toBe(404);
    expect((await api(attacker, 'POST', `/exec/${victimExec}/start`, { Detach: true })).status).toBe(404);
  });

  it('engine names and label filters cannot reach the victim', async () => {
    const victimEngineName = (await socketRequest(engineSocket, 'GET', `/containers/${victimId}/json`)).json<{ Name: string }>().Name.slice(1);
    expect((await api(attacker, 'GET', `/containers/${victimEngineName}/json`)).status).toBe(404);
    const filtered = await api(attacker, 'GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: ['lab.learner=' + victim.learnerId] }))}`);
    expect(filtered.status).toBe(403);
    const byId = await api(attacker, 'GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ id: [victimId] }))}`);
    expect(byId.json<unknown[]>()).toEqual([]);
  });

  it('shared images are never removed, and tags cannot be hijacked', async () => {
    const hijack = await api(attacker, 'POST', '/images/busybox/tag?repo=lab.local/x/docker.io/library/httpd&tag=latest');
    expect(hijack.json<{ message: string }>().message).toMatch(/reserved for the lab/);
    const rmi = await api(attacker, 'DELETE', '/images/busybox:latest?force=1');
    expect(rmi.status, rmi.body).toBe(200);
    expect((await socketRequest(engineSocket, 'GET', '/images/busybox:latest/json')).status).toBe(200);
    const victimImages = await api(victim, 'GET', '/images/json');
    expect(victimImages.body).toContain('busybox:latest');
    await attacker.sh('docker pull busybox >/dev/null');
  });

  it('no fetching for anyone: pulls from other registries, import and build from URLs are refused', async () => {
    expect((await api(attacker, 'POST', '/images/create?fromImage=169.254.169.254/x&tag=latest')).json<{ message: string }>().message).toMatch(/no internet access/);
    expect((await api(attacker, 'POST', '/images/create?fromSrc=http://169.254.169.254/latest&repo=x')).json<{ message: string }>().message).toMatch(/import from a URL is not allowed/);
    expect((await api(attacker, 'POST', '/build?remote=http://169.254.169.254/ctx.tar')).json<{ message: string }>().message).toMatch(/from a URL or Git repository is not allowed/);
    expect((await api(attacker, 'POST', '/auth', { username: 'x', serveraddress: 'http://169.254.169.254' })).status).toBe(403);
  });

  it('volume and network creation cannot smuggle host access or custom addressing', async () => {
    expect((await api(attacker, 'POST', '/volumes/create', { Name: 'v', Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: '/etc' } })).json<{ message: string }>().message).toMatch(/driver options are not allowed/);
    expect((await api(attacker, 'POST', '/networks/create', { Name: 'n', Driver: 'macvlan' })).json<{ message: string }>().message).toMatch(/driver "macvlan" is not available/);
    expect((await api(attacker, 'POST', '/networks/create', { Name: 'n', IPAM: { Config: [{ Subnet: '10.0.0.0/8' }] } })).json<{ message: string }>().message).toMatch(/custom subnets/);
    expect((await api(attacker, 'POST', '/networks/create', { Name: 'n', Options: { 'com.docker.network.bridge.name': 'docker0' } })).json<{ message: string }>().message).toMatch(/Options is not allowed/);
    expect((await api(attacker, 'POST', `/networks/vnet/connect`, { Container: 'clamped' })).status).toBe(404);
  });

  it('ambiguous requests are refused before routing: encoded paths, dot segments, versions, repeated parameters, unknown endpoints', async () => {
    expect((await socketRequest(attacker.socketPath, 'GET', '/v1.41/containers/%2e%2e/json')).status).toBe(403);
    expect((await socketRequest(attacker.socketPath, 'GET', '/v1.41/containers/a%2Fb/json')).status).toBe(403);
    expect((await socketRequest(attacker.socketPath, 'GET', '/v1.41//containers/json')).status).toBe(403);
    expect((await socketRequest(attacker.socketPath, 'GET', '/v1.99/containers/json')).status).toBe(400);
    expect((await socketRequest(attacker.socketPath, 'GET', '/v1.41/containers/json?all=1&all=0')).status).toBe(403);
    for (const path of ['/swarm/init', '/plugins', '/secrets', '/nodes', '/session', '/containers/x/attach/ws', '/distribution/busybox/json', '/grpc']) {
      const answer = await socketRequest(attacker.socketPath, 'POST', `/v1.41${path}`);
      expect(answer.status, path).toBe(403);
    }
  });

  it('request smuggling: Content-Length with Transfer-Encoding is rejected outright', async () => {
    const body = '0\r\n\r\nPOST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: 45\r\n\r\n{"Image":"busybox","HostConfig":{"Privileged":true}}';
    const reply = await rawSocketExchange(attacker.socketPath, `POST /v1.41/containers/json HTTP/1.1\r\nHost: d\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    const privileged = (await socketRequest(engineSocket, 'GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: ['lab.learner=' + attacker.learnerId, 'lab.role=learner-object'] }))}`)).json<Array<{ HostConfig: unknown }>>();
    expect(privileged.length).toBe(await ownCount(attacker));
  });

  it('quota: container creation stops at the lab’s limit with a clear message', async () => {
    const results: number[] = [];
    for (let i = 0; i < 32; i++) results.push((await api(attacker, 'POST', `/containers/create?name=flood${i}`, base)).status);
    expect(results.filter((s) => s === 201).length).toBeLessThanOrEqual(30);
    const refused = await api(attacker, 'POST', '/containers/create?name=one-more', base);
    expect(refused.json<{ message: string }>().message).toMatch(/the most the lab allows/);
    await api(attacker, 'POST', '/containers/prune');
  }, 120_000);

  it('a fork bomb in a learner container hits its pids limit; the victim stays responsive', async () => {
    await attacker.sh('docker run -d --name bomb busybox sh -c ":(){ :|:& };:" >/dev/null', 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const pids = (await socketRequest(engineSocket, 'GET', `/containers/${(await api(attacker, 'GET', '/containers/bomb/json')).json<{ Id: string }>().Id}/json`)).json<{ HostConfig: { PidsLimit: number } }>();
    expect(pids.HostConfig.PidsLimit).toBe(256);
    const started = performance.now();
    expect((await victim.sh('docker exec web echo alive')).stdout).toBe('alive\n');
    expect(performance.now() - started).toBeLessThan(15_000);
    await api(attacker, 'DELETE', '/containers/bomb?force=1');
  }, 60_000);
});
