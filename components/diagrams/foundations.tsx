import type { ElementType, ReactNode } from 'react';

/**
 * Diagrams for the guide's chapters, as accessible inline SVG server components
 * (role="img" with a <title> and <desc>, colours from the site's CSS variables so they
 * follow the theme). Chapters use them by name, e.g. <ContainersVsVms />.
 *
 * Foundations part: chapters 1–3 (why containers, architecture, isolation).
 */

const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

/** The accessible frame every diagram shares: figure, svg with title and desc, caption. */
function Diagram({
  id,
  title,
  desc,
  caption,
  viewBox,
  children,
}: {
  id: string;
  title: string;
  desc: string;
  caption: ReactNode;
  viewBox: string;
  children: ReactNode;
}) {
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return (
    <figure className="diagram">
      <svg
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        viewBox={viewBox}
        width="100%"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={titleId}>{title}</title>
        <desc id={descId}>{desc}</desc>
        {children}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

/** An arrow head for one diagram (marker ids must be unique on the page). */
function ArrowMarker({ id }: { id: string }) {
  return (
    <marker id={id} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="var(--fg-muted)" />
    </marker>
  );
}

/** A rounded box with a bold first line and an optional muted second line, centred. */
function Box({
  x,
  y,
  w,
  h,
  label,
  sub,
  tone = 'plain',
}: {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  sub?: string;
  tone?: 'plain' | 'accent' | 'warning' | 'tip';
}) {
  const fill = { plain: 'var(--bg-subtle)', accent: 'var(--accent-soft)', warning: 'var(--warning-bg)', tip: 'var(--tip-bg)' }[tone];
  const stroke = { plain: 'var(--border)', accent: 'var(--accent)', warning: 'var(--warning)', tip: 'var(--tip)' }[tone];
  const cx = x + w / 2;
  const labelY = sub ? y + h / 2 - 4 : y + h / 2 + 5;
  return (
    <g>
      <rect x={x} y={y} width={w} height={h} rx="6" fill={fill} stroke={stroke} strokeWidth="1.5" />
      <text x={cx} y={labelY} textAnchor="middle" fontSize="14" fontWeight="600" fill="var(--fg)">
        {label}
      </text>
      {sub ? (
        <text x={cx} y={labelY + 18} textAnchor="middle" fontSize="12.5" fill="var(--fg-muted)">
          {sub}
        </text>
      ) : null}
    </g>
  );
}

/* ------------------------------------------------------------------------------------------ */
/* Chapter 1: the matrix from hell                                                             */
/* ------------------------------------------------------------------------------------------ */

const STACKS = ['Static website', 'Web front end', 'API service', 'Background worker', 'User database', 'Analytics DB'];
const STACK_IMAGES = ['site:2.1', 'web:5.0', 'api:1.4', 'worker:3.2', 'postgres:17', 'analytics:0.9'];
const ENVIRONMENTS = ['Laptop', 'CI', 'QA', 'Staging', 'Production', 'Cloud'];

export function MatrixFromHell() {
  const gridX = 180;
  const colW = 80;
  const rowH = 30;
  const top1 = 84;
  const top2 = 330;
  return (
    <Diagram
      id="dg-matrix"
      viewBox="0 0 680 526"
      title="The matrix from hell, and how images dissolve it"
      desc="Top: a grid of six software stacks (static website, web front end, API service, background worker, user database, analytics database) against six environments (laptop, CI, QA, staging, production, cloud). Every one of the 36 cells holds a question mark: each pairing needs its own installation and can break in its own way. Bottom: the same six stacks are each packaged once as an image, such as api:1.4 or postgres:17, and every image runs unchanged on any host with a container engine, in all six environments."
      caption={
        <>
          Six stacks × six environments is 36 installations that can each drift. Packaged as images, it is six
          artefacts and one requirement per host: a container engine.
        </>
      }
    >
      <defs>
        <ArrowMarker id="dg-matrix-arrow" />
      </defs>

      <text x="16" y="26" fontSize="15" fontWeight="700" fill="var(--fg)">
        Without containers: every stack × every environment is its own setup
      </text>
      {ENVIRONMENTS.map((env, c) => (
        <text key={env} x={gridX + c * colW + colW / 2} y="68" textAnchor="middle" fontSize="13" fontWeight="600" fill="var(--fg)">
          {env}
        </text>
      ))}
      {STACKS.map((stack, r) => (
        <g key={stack}>
          <text x="16" y={top1 + r * rowH + 20} fontSize="13.5" fill="var(--fg)">
            {stack}
          </text>
          {ENVIRONMENTS.map((env, c) => (
            <g key={env}>
              <rect
                x={gridX + c * colW + 4}
                y={top1 + r * rowH + 3}
                width={colW - 8}
                height={rowH - 6}
                rx="4"
                fill="var(--warning-bg)"
                stroke="var(--warning)"
                strokeWidth="1"
              />
              <text
                x={gridX + c * colW + colW / 2}
                y={top1 + r * rowH + 20}
                textAnchor="middle"
                fontSize="14"
                fontWeight="700"
                fill="var(--warning)"
              >
                ?
              </text>
            </g>
          ))}
        </g>
      ))}

      <line x1="16" y1="282" x2="664" y2="282" stroke="var(--border)" strokeWidth="1" />

      <text x="16" y="312" fontSize="15" fontWeight="700" fill="var(--fg)">
        With containers: each stack ships once, as an image
      </text>
      {STACKS.map((stack, r) => {
        const y = top2 + r * rowH;
        return (
          <g key={stack}>
            <text x="16" y={y + 20} fontSize="13.5" fill="var(--fg)">
              {stack}
            </text>
            <rect x="180" y={y + 3} width="116" height={rowH - 6} rx="12" fill="var(--accent-soft)" stroke="var(--accent)" strokeWidth="1" />
            <text x="238" y={y + 20} textAnchor="middle" fontSize="13" fontFamily={MONO} fill="var(--fg)">
              {STACK_IMAGES[r]}
            </text>
            <line x1="298" y1={y + rowH / 2} x2="350" y2={y + rowH / 2} stroke="var(--fg-muted)" strokeWidth="1.5" markerEnd="url(#dg-matrix-arrow)" />
          </g>
        );
      })}
      <rect x="356" y={top2 + 2} width="308" height={rowH * 6 - 4} rx="8" fill="var(--tip-bg)" stroke="var(--tip)" strokeWidth="1.5" />
      <text x="510" y={top2 + 52} textAnchor="middle" fontSize="15" fontWeight="700" fill="var(--fg)">
        Any host with a container engine
      </text>
      <text x="510" y={top2 + 82} textAnchor="middle" fontSize="13.5" fill="var(--fg)">
        laptop · CI · QA · staging
      </text>
      <text x="510" y={top2 + 104} textAnchor="middle" fontSize="13.5" fill="var(--fg)">
        production · cloud
      </text>
      <text x="510" y={top2 + 142} textAnchor="middle" fontSize="14" fontWeight="600" fill="var(--tip)">
        ✓ same image, same behaviour
      </text>
    </Diagram>
  );
}

/* ------------------------------------------------------------------------------------------ */
/* Chapter 1: containers vs virtual machines                                                   */
/* ------------------------------------------------------------------------------------------ */

export function ContainersVsVms() {
  const vmXs = [16, 124, 232];
  const ctXs = [348, 456, 564];
  return (
    <Diagram
      id="dg-vms"
      viewBox="0 0 680 424"
      title="Virtual machines compared with containers"
      desc="Left, virtual machines: hardware, then a hypervisor, then three virtual machines, each containing its own guest kernel, a guest operating system, libraries and one application. Each VM boots a full operating system, which takes tens of seconds and gigabytes. Right, containers: hardware, then one Linux kernel shared by everything, then the host operating system with the container engine, then three containers that hold only libraries and one application each. Containers are host processes: they start in about a second and take megabytes."
      caption={
        <>
          A VM virtualises hardware and runs a whole guest OS with its own kernel. A container is an isolated group
          of host processes: no guest kernel, nothing to boot.
        </>
      }
    >
      <text x="174" y="30" textAnchor="middle" fontSize="16" fontWeight="700" fill="var(--fg)">
        Virtual machines
      </text>
      <text x="506" y="30" textAnchor="middle" fontSize="16" fontWeight="700" fill="var(--fg)">
        Containers
      </text>
      <line x1="340" y1="14" x2="340" y2="382" stroke="var(--border)" strokeWidth="1" strokeDasharray="4 4" />

      {vmXs.map((x, i) => (
        <g key={x}>
          <rect x={x} y="50" width="100" height="244" rx="8" fill="none" stroke="var(--fg-muted)" strokeWidth="1.2" strokeDasharray="5 3" />
          <Box x={x + 6} y={58} w={88} h={40} label={`App ${'ABC'[i]}`} tone="accent" />
          <Box x={x + 6} y={104} w={88} h={40} label="Libraries" />
          <Box x={x + 6} y={150} w={88} h={40} label="Guest OS" />
          <Box x={x + 6} y={196} w={88} h={40} label="Kernel" tone="warning" />
          <text x={x + 50} y="270" textAnchor="middle" fontSize="13" fill="var(--fg-muted)">
            {`VM ${i + 1}`}
          </text>
        </g>
      ))}
      <Box x={16} y={302} w={316} h={36} label="Hypervisor (KVM, ESXi, Hyper-V…)" />
      <Box x={16} y={344} w={316} h={36} label="Hardware" />

      <text x="506" y="76" textAnchor="middle" fontSize="13" fill="var(--fg-muted)">
        No guest kernels, nothing to boot:
      </text>
      <text x="506" y="96" textAnchor="middle" fontSize="13" fill="var(--fg-muted)">
        each container is a group of host processes
      </text>
      {ctXs.map((x, i) => (
        <g key={x}>
          <rect x={x} y="158" width="100" height="102" rx="8" fill="none" stroke="var(--fg-muted)" strokeWidth="1.2" strokeDasharray="5 3" />
          <Box x={x + 6} y={166} w={88} h={40} label={`App ${'ABC'[i]}`} tone="accent" />
          <Box x={x + 6} y={212} w={88} h={40} label="Libraries" />
        </g>
      ))}
      <Box x={348} y={268} w={316} h={28} label="Host OS + container engine" />
      <Box x={348} y={302} w={316} h={36} label="One Linux kernel, shared" tone="tip" />
      <Box x={348} y={344} w={316} h={36} label="Hardware" />

      <text x="174" y="406" textAnchor="middle" fontSize="13" fontWeight="600" fill="var(--warning)">
        Boots an OS: tens of seconds, GBs each
      </text>
      <text x="506" y="406" textAnchor="middle" fontSize="13" fontWeight="600" fill="var(--tip)">
        Starts a process: ~1 s, MBs each
      </text>
    </Diagram>
  );
}

/* ------------------------------------------------------------------------------------------ */
/* Chapter 2: the architecture                                                                 */
/* ------------------------------------------------------------------------------------------ */

export function DockerArchitecture() {
  const arrow = 'url(#dg-arch-arrow)';
  return (
    <Diagram
      id="dg-arch"
      viewBox="0 0 680 584"
      title="Docker's architecture, from the docker command to a running container"
      desc="The docker command-line client sends HTTP requests to the Docker Engine REST API, by default over the Unix socket /var/run/docker.sock. On the Docker host, dockerd, the Docker daemon, manages images, networks, volumes and builds, and pulls and pushes images from a registry such as Docker Hub over HTTPS. dockerd asks containerd, over gRPC on /run/containerd/containerd.sock, to run containers. containerd starts one containerd-shim-runc-v2 process per container. The shim calls runc, the OCI runtime, which creates the namespaces and cgroups, starts the container's process and exits. The container process stays a child of the shim. Everything runs on one Linux kernel, which provides namespaces, cgroups and overlayfs."
      caption={
        <>
          One <code>docker run</code> travels down the chain: CLI → REST API → <code>dockerd</code> →{' '}
          <code>containerd</code> → shim → <code>runc</code>. When <code>runc</code> exits, the shim stays behind
          as the container&apos;s parent.
        </>
      }
    >
      <defs>
        <ArrowMarker id="dg-arch-arrow" />
      </defs>

      {/* outside the host: client and registry */}
      <Box x={64} y={16} w={200} h={52} label="docker (CLI)" sub="your terminal, any machine" tone="accent" />
      <Box x={404} y={16} w={240} h={52} label="Registry" sub="Docker Hub, GHCR, registry:2…" />

      {/* the host */}
      <rect x="8" y="112" width="664" height="464" rx="10" fill="none" stroke="var(--border)" strokeWidth="1.5" strokeDasharray="6 4" />
      <text x="660" y="134" textAnchor="end" fontSize="13" fontWeight="600" fill="var(--fg-muted)">
        Docker host (Linux)
      </text>

      <line x1="164" y1="68" x2="164" y2="142" stroke="var(--fg-muted)" strokeWidth="1.5" markerEnd={arrow} />
      <text x="176" y="86" fontSize="13" fill="var(--fg)">
        HTTP REST API
      </text>
      <text x="176" y="103" fontSize="12.5" fontFamily={MONO} fill="var(--fg-muted)">
        /var/run/docker.sock
      </text>

      <line x1="500" y1="70" x2="306" y2="156" stroke="var(--fg-muted)" strokeWidth="1.5" markerStart={arrow} markerEnd={arrow} />
      <text x="470" y="100" fontSize="13" fill="var(--fg)">
        pull / push (HTTPS)
      </text>

      <Box x={24} y={144} w={280} h={56} label="dockerd (Docker Engine)" sub="API, images, networks, volumes, builds" />

      <line x1="164" y1="200" x2="164" y2="246" stroke="var(--fg-muted)" strokeWidth="1.5" markerEnd={arrow} />
      <text x="176" y="220" fontSize="13" fill="var(--fg)">
        gRPC
      </text>
      <text x="176" y="237" fontSize="12.5" fontFamily={MONO} fill="var(--fg-muted)">
        /run/containerd/containerd.sock
      </text>

      <Box x={24} y={248} w={280} h={56} label="containerd" sub="container lifecycle, image content" />

      <line x1="164" y1="304" x2="164" y2="350" stroke="var(--fg-muted)" strokeWidth="1.5" markerEnd={arrow} />
      <text x="176" y="332" fontSize="13" fill="var(--fg)">
        starts one shim per container
      </text>

      <Box x={24} y={352} w={280} h={56} label="containerd-shim-runc-v2" sub="holds stdio and the exit status" />

      <line x1="304" y1="380" x2="402" y2="380" stroke="var(--fg-muted)" strokeWidth="1.5" markerEnd={arrow} />
      <text x="353" y="372" textAnchor="middle" fontSize="12.5" fill="var(--fg)">
        calls
      </text>
      <Box x={404} y={352} w={252} h={56} label="runc (OCI runtime)" sub="sets up, starts, then exits" />

      <polyline points="530,408 530,466 306,466" fill="none" stroke="var(--fg-muted)" strokeWidth="1.5" strokeDasharray="5 4" markerEnd={arrow} />
      <text x="520" y="458" textAnchor="end" fontSize="12.5" fill="var(--fg-muted)">
        namespaces + cgroups
      </text>

      <line x1="164" y1="408" x2="164" y2="438" stroke="var(--fg-muted)" strokeWidth="1.5" markerEnd={arrow} />
      <Box x={24} y={440} w={280} h={52} label="Your container's process" sub="PID 1 inside, child of the shim" tone="accent" />

      <Box x={24} y={512} w={632} h={48} label="Linux kernel" sub="namespaces · cgroups · overlayfs · netfilter" tone="tip" />
    </Diagram>
  );
}

/* ------------------------------------------------------------------------------------------ */
/* Chapter 3: what a container is made of                                                      */
/* ------------------------------------------------------------------------------------------ */

const NAMESPACES: { name: string; what: string; optIn?: boolean }[] = [
  { name: 'pid', what: 'processes' },
  { name: 'net', what: 'network stack' },
  { name: 'mnt', what: 'mount table' },
  { name: 'uts', what: 'hostname' },
  { name: 'ipc', what: 'shared memory' },
  { name: 'cgroup', what: 'cgroup tree' },
  { name: 'user', what: 'UIDs (opt-in)', optIn: true },
];

export function ContainerAnatomy() {
  return (
    <Diagram
      id="dg-anatomy"
      viewBox="0 0 680 430"
      title="What a container is made of"
      desc="A container is an ordinary Linux process with three kinds of wrapping. Namespaces decide what it can see: pid for processes, net for the network stack, mnt for the mount table, uts for the hostname, ipc for shared memory, cgroup for its view of the cgroup tree, and, only when enabled, user for UID mapping. A cgroup decides what it can use: CPU, memory, number of processes and disk I/O, through files such as cpu.max, memory.max, pids.max and io.max. A layered root filesystem, an overlay mount of read-only image layers plus one writable layer, is what it stands on. Underneath, one Linux kernel is shared with the host and every other container."
      caption={
        <>
          Namespaces decide what the process can see, its cgroup what it can use, and the overlay mount what files it
          finds. The kernel is the host&apos;s own.
        </>
      }
    >
      <rect x="8" y="8" width="664" height="128" rx="10" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
      <text x="24" y="32" fontSize="15" fontWeight="700" fill="var(--fg)">
        Namespaces: what it can see
      </text>
      {NAMESPACES.map((ns, i) => {
        const col = i % 4;
        const row = Math.floor(i / 4);
        const x = 24 + col * 160;
        const y = 46 + row * 42;
        return (
          <g key={ns.name}>
            <rect
              x={x}
              y={y}
              width="150"
              height="32"
              rx="16"
              fill={ns.optIn ? 'var(--bg)' : 'var(--accent-soft)'}
              stroke={ns.optIn ? 'var(--fg-muted)' : 'var(--accent)'}
              strokeWidth="1.2"
              strokeDasharray={ns.optIn ? '4 3' : undefined}
            />
            <text x={x + 75} y={y + 21} textAnchor="middle" fontSize="13" fill="var(--fg)">
              <tspan fontWeight="700" fontFamily={MONO}>
                {ns.name}
              </tspan>
              {` · ${ns.what}`}
            </text>
          </g>
        );
      })}

      <rect x="8" y="150" width="664" height="148" rx="10" fill="none" stroke="var(--warning)" strokeWidth="1.5" strokeDasharray="6 4" />
      <text x="24" y="174" fontSize="15" fontWeight="700" fill="var(--fg)">
        cgroup: what it can use
      </text>
      <Box x={170} y={188} w={340} h={56} label="Your process" sub="PID 1 inside, another PID on the host" tone="accent" />
      <text x="340" y="278" textAnchor="middle" fontSize="13" fontFamily={MONO} fill="var(--fg)">
        cpu.max · memory.max · pids.max · io.max
      </text>

      <rect x="8" y="312" width="664" height="56" rx="10" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
      <text x="24" y="336" fontSize="15" fontWeight="700" fill="var(--fg)">
        Root filesystem: what it stands on
      </text>
      <text x="24" y="356" fontSize="13" fill="var(--fg-muted)">
        an overlay mount: read-only image layers + one writable container layer
      </text>

      <Box x={8} y={382} w={664} h={40} label="One Linux kernel, shared with the host and every other container" tone="tip" />
    </Diagram>
  );
}

/* ------------------------------------------------------------------------------------------ */
/* Chapter 3: overlay2 layers                                                                  */
/* ------------------------------------------------------------------------------------------ */

type Cell = { text: string; tone: 'lower' | 'upper' | 'whiteout' | 'merged' | 'hidden' } | null;

const OVERLAY_FILES = ['/etc/passwd', '/etc/motd', 'index.html', '/tmp/note'];
const OVERLAY_ROWS: { name: string; role: string; y: number; cells: Cell[] }[] = [
  {
    name: 'merged',
    role: 'what the container sees',
    y: 52,
    cells: [
      { text: 'edited copy', tone: 'merged' },
      { text: 'not there', tone: 'hidden' },
      { text: 'original', tone: 'merged' },
      { text: 'new file', tone: 'merged' },
    ],
  },
  {
    name: 'upperdir',
    role: 'writable, one per container',
    y: 124,
    cells: [{ text: 'edited copy', tone: 'upper' }, { text: 'whiteout', tone: 'whiteout' }, null, { text: 'new file', tone: 'upper' }],
  },
  {
    name: 'lowerdir',
    role: 'image layer 2, read-only',
    y: 196,
    cells: [null, null, { text: 'original', tone: 'lower' }, null],
  },
  {
    name: 'lowerdir',
    role: 'image layer 1, read-only',
    y: 268,
    cells: [{ text: 'original', tone: 'lower' }, { text: 'original', tone: 'lower' }, null, null],
  },
];

const CELL_STYLE = {
  lower: { fill: 'var(--bg-subtle)', stroke: 'var(--border)', text: 'var(--fg)', dash: undefined },
  upper: { fill: 'var(--accent-soft)', stroke: 'var(--accent)', text: 'var(--fg)', dash: undefined },
  whiteout: { fill: 'var(--warning-bg)', stroke: 'var(--warning)', text: 'var(--fg)', dash: undefined },
  merged: { fill: 'var(--tip-bg)', stroke: 'var(--tip)', text: 'var(--fg)', dash: undefined },
  hidden: { fill: 'none', stroke: 'var(--fg-muted)', text: 'var(--fg-muted)', dash: '4 3' },
} as const;

export function OverlayLayers() {
  const colX = (c: number) => 224 + c * 112;
  const cellW = 100;
  const cellH = 40;
  const arrow = 'url(#dg-overlay-arrow)';
  const up = (c: number, fromY: number, toY: number, dashed = false) => (
    <line
      x1={colX(c) + cellW / 2}
      y1={fromY}
      x2={colX(c) + cellW / 2}
      y2={toY + 2}
      stroke="var(--fg-muted)"
      strokeWidth="1.5"
      strokeDasharray={dashed ? '5 4' : undefined}
      markerEnd={arrow}
    />
  );
  return (
    <Diagram
      id="dg-overlay"
      viewBox="0 0 680 324"
      title="How overlay2 merges image layers and the container layer"
      desc="Four files across four stacked layers. Bottom, image layer 1 (a read-only lowerdir) holds the original /etc/passwd and /etc/motd. Image layer 2 (another read-only lowerdir) holds the original index.html. Above them, the upperdir is the container's own writable layer: it holds an edited copy of /etc/passwd, copied up from layer 1 on first write; a whiteout that marks /etc/motd as deleted; and a new file /tmp/note. At the top, the merged view the container sees shows the edited /etc/passwd, the original index.html from layer 2, the new /tmp/note, and no /etc/motd. The image layers were never changed."
      caption={
        <>
          Reads take the topmost copy of each file. The first write copies the file up into the container&apos;s{' '}
          <code>upperdir</code>; a deletion leaves a whiteout. The image layers below never change, so every container
          of the image can share them.
        </>
      }
    >
      <defs>
        <ArrowMarker id="dg-overlay-arrow" />
      </defs>
      {OVERLAY_FILES.map((file, c) => (
        <text key={file} x={colX(c) + cellW / 2} y="30" textAnchor="middle" fontSize="13" fontWeight="600" fontFamily={MONO} fill="var(--fg)">
          {file}
        </text>
      ))}
      <line x1="16" y1="112" x2="664" y2="112" stroke="var(--border)" strokeWidth="1" />
      <line x1="16" y1="184" x2="664" y2="184" stroke="var(--border)" strokeWidth="1" strokeDasharray="2 3" />

      {OVERLAY_ROWS.map((row, r) => (
        <g key={`${row.name}-${r}`}>
          <text x="16" y={row.y + 17} fontSize="14" fontWeight="700" fontFamily={MONO} fill="var(--fg)">
            {row.name}
          </text>
          <text x="16" y={row.y + 35} fontSize="12.5" fill="var(--fg-muted)">
            {row.role}
          </text>
          {row.cells.map((cell, c) => {
            if (!cell) return null;
            const style = CELL_STYLE[cell.tone];
            return (
              <g key={c}>
                <rect
                  x={colX(c)}
                  y={row.y}
                  width={cellW}
                  height={cellH}
                  rx="6"
                  fill={style.fill}
                  stroke={style.stroke}
                  strokeWidth="1.4"
                  strokeDasharray={style.dash}
                />
                <text x={colX(c) + cellW / 2} y={row.y + 25} textAnchor="middle" fontSize="13" fill={style.text}>
                  {cell.text}
                </text>
              </g>
            );
          })}
        </g>
      ))}

      {/* /etc/passwd: copied up from layer 1, then seen from the upperdir */}
      {up(0, 268, 164)}
      <text x={colX(0) + cellW / 2 + 6} y="232" fontSize="12.5" fill="var(--fg-muted)">
        copy-up
      </text>
      {up(0, 124, 92)}
      {/* index.html: seen straight through from layer 2 */}
      {up(2, 196, 92, true)}
      {/* /tmp/note: only in the upperdir */}
      {up(3, 124, 92)}
    </Diagram>
  );
}

export const foundationsDiagrams: Record<string, ElementType> = {
  MatrixFromHell,
  ContainersVsVms,
  DockerArchitecture,
  ContainerAnatomy,
  OverlayLayers,
};
