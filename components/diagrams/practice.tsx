import type { ElementType, ReactNode } from 'react';

/**
 * Diagrams for the guide's chapters, as accessible inline SVG server components
 * (role="img" with a <title> and <desc>, colours from the site's CSS variables so they
 * follow the theme). Chapters use them by name, e.g. <ImageLayers />.
 *
 * This file: chapters 6–10 (images, Dockerfiles, data, networking, resource limits).
 * Every id inside an SVG is prefixed with the diagram's name, so several diagrams can share a page.
 */

const SANS = 'var(--font-sans, system-ui, sans-serif)';
const MONO = 'var(--font-mono, ui-monospace, monospace)';

type Tone = 'plain' | 'accent' | 'tip' | 'warning' | 'muted';

const FILL: Record<Tone, string> = {
  plain: 'var(--bg-subtle)',
  accent: 'var(--accent-soft)',
  tip: 'var(--tip-bg)',
  warning: 'var(--warning-bg)',
  muted: 'var(--bg)',
};

const STROKE: Record<Tone, string> = {
  plain: 'var(--border)',
  accent: 'var(--accent)',
  tip: 'var(--tip)',
  warning: 'var(--warning)',
  muted: 'var(--border)',
};

/** The accessible frame every diagram here shares: figure, svg with title and desc, caption. */
function Diagram({
  id,
  title,
  desc,
  caption,
  width,
  height,
  children,
}: {
  id: string;
  title: string;
  desc: string;
  caption: ReactNode;
  width: number;
  height: number;
  children: ReactNode;
}) {
  return (
    <figure className="diagram">
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        xmlns="http://www.w3.org/2000/svg"
        style={{ fontFamily: SANS, maxWidth: `${width}px`, height: 'auto' }}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {children}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

function ArrowMarker({ id, color = 'var(--fg-muted)' }: { id: string; color?: string }) {
  return (
    <marker id={id} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill={color} />
    </marker>
  );
}

/** A rounded box with up to three centred lines: a bold label, then muted or monospace lines. */
function Box({
  x,
  y,
  w,
  h,
  label,
  lines = [],
  tone = 'plain',
  dashed = false,
  mono = false,
}: {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  lines?: readonly string[];
  tone?: Tone;
  dashed?: boolean;
  /** Set the label in the monospace font (commands, paths). */
  mono?: boolean;
}) {
  // Monospace runs wider than the sans labels: narrow boxes get the smaller size.
  const labelStyle = mono ? { fontFamily: MONO, fontSize: w < 215 ? 12 : 13 } : undefined;
  const cx = x + w / 2;
  const total = 1 + lines.length;
  const lineHeight = 17;
  const firstY = y + h / 2 - ((total - 1) * lineHeight) / 2 + 5;
  return (
    <g>
      <rect
        x={x}
        y={y}
        width={w}
        height={h}
        rx="6"
        fill={FILL[tone]}
        stroke={STROKE[tone]}
        strokeWidth="1.5"
        strokeDasharray={dashed ? '6 4' : undefined}
      />
      <text
        x={cx}
        y={firstY}
        textAnchor="middle"
        fontSize="14"
        fontWeight="600"
        fill="var(--fg)"
        style={labelStyle}
      >
        {label}
      </text>
      {lines.map((line, i) => (
        <text key={line} x={cx} y={firstY + (i + 1) * lineHeight} textAnchor="middle" fontSize="12" fill="var(--fg-muted)">
          {line}
        </text>
      ))}
    </g>
  );
}

/* ------------------------------------------------------------------------------------------ */

/** Chapter 6: read-only image layers shared by containers; commit turns a writable layer into a layer. */
function ImageLayers() {
  return (
    <Diagram
      id="imglayers"
      width={800}
      height={380}
      title="Image layers, container layers and docker commit"
      desc="On the left, one image made of three read-only layers: layer 1 is the debian:bookworm base, layer 2 comes from RUN apt-get install, layer 3 from COPY index.html. Two containers, A and B, run from this image. Each has its own thin writable layer on top of the same shared image layers; changes a container makes go only into its writable layer, which docker rm deletes. On the right, docker commit B greeter:v1 creates a new image: the same three layers, not copied, plus a fourth read-only layer holding B's changes."
      caption={
        <>
          Containers share their image&apos;s read-only layers and write only to their own thin layer. <code>docker commit</code>{' '}
          freezes that writable layer into a new read-only layer on top of the same stack.
        </>
      }
    >
      <defs>
        <ArrowMarker id="imglayers-arrow" color="var(--accent)" />
      </defs>

      {/* Left: one image, two containers */}
      <text x="30" y="26" fontSize="14" fontWeight="600" fill="var(--fg)">
        One image, two containers
      </text>
      <Box x={30} y={40} w={190} h={60} label="Container A" lines={['writable layer']} tone="accent" dashed />
      <Box x={240} y={40} w={190} h={60} label="Container B" lines={['writable layer']} tone="accent" dashed />
      <line x1="125" y1="100" x2="125" y2="132" stroke="var(--fg-muted)" strokeWidth="2" />
      <line x1="335" y1="100" x2="335" y2="132" stroke="var(--fg-muted)" strokeWidth="2" />

      <rect x="20" y="124" width="420" height="196" rx="8" fill="none" stroke="var(--border)" strokeWidth="1.5" />
      <Box x={30} y={134} w={400} h={52} label="Layer 3 · COPY index.html" />
      <Box x={30} y={196} w={400} h={52} label="Layer 2 · RUN apt-get install …" />
      <Box x={30} y={258} w={400} h={52} label="Layer 1 · debian:bookworm base" />
      <text x="30" y="344" fontSize="12" fill="var(--fg-muted)">
        Image layers: read-only, stored once, shared by every container.
      </text>
      <text x="30" y="362" fontSize="12" fill="var(--fg-muted)">
        A writable layer holds one container&apos;s changes and is deleted by docker rm.
      </text>

      {/* Commit arrow */}
      <line x1="434" y1="70" x2="540" y2="70" stroke="var(--accent)" strokeWidth="2" markerEnd="url(#imglayers-arrow)" />
      <text x="487" y="56" textAnchor="middle" fontSize="12" fill="var(--fg)" style={{ fontFamily: MONO }}>
        docker commit
      </text>
      <text x="487" y="92" textAnchor="middle" fontSize="12" fill="var(--fg)" style={{ fontFamily: MONO }}>
        B greeter:v1
      </text>

      {/* Right: the new image */}
      <text x="550" y="26" fontSize="14" fontWeight="600" fill="var(--fg)">
        New image greeter:v1
      </text>
      <rect x="544" y="34" width="242" height="286" rx="8" fill="none" stroke="var(--accent)" strokeWidth="1.5" />
      <Box x={554} y={44} w={222} h={56} label="Layer 4 · B's changes" lines={['now read-only']} tone="accent" />
      <Box x={554} y={134} w={222} h={52} label="Layer 3" tone="muted" />
      <Box x={554} y={196} w={222} h={52} label="Layer 2" tone="muted" />
      <Box x={554} y={258} w={222} h={52} label="Layer 1" tone="muted" />
      <text x="554" y="344" fontSize="12" fill="var(--fg-muted)">
        Layers 1–3 are the same files on disk,
      </text>
      <text x="554" y="362" fontSize="12" fill="var(--fg-muted)">
        referenced again, not copied.
      </text>
    </Diagram>
  );
}

/* ------------------------------------------------------------------------------------------ */

/** Chapter 8: where each kind of mount lives on the host, and what survives docker rm. */
function MountTypes() {
  const cols = [
    {
      x: 16,
      target: '/usr/local/apache2/htdocs',
      kind: 'bind mount',
      flag: '-v "$PWD":…/htdocs',
      host: '/root/site',
      hostSub: 'any host directory',
      fate: 'survives docker rm',
      keeps: true,
    },
    {
      x: 242,
      target: '/data',
      kind: 'named volume',
      flag: '-v notes:/data',
      host: '/var/lib/docker/volumes/',
      hostSub: 'notes/_data, managed by Docker',
      fate: 'survives docker rm',
      keeps: true,
    },
    {
      x: 468,
      target: '/scratch',
      kind: 'tmpfs',
      flag: '--tmpfs /scratch',
      host: 'RAM',
      hostSub: 'never written to disk',
      fate: 'gone when it stops',
      keeps: false,
    },
    {
      x: 694,
      target: 'everything else',
      kind: 'no mount',
      flag: 'writable layer',
      host: 'container layer',
      hostSub: 'in Docker’s storage driver',
      fate: 'gone with docker rm',
      keeps: false,
    },
  ] as const;
  return (
    <Diagram
      id="mounts"
      width={920}
      height={420}
      title="Bind mounts, named volumes, tmpfs and the writable layer"
      desc="A container's filesystem on top, the Docker host below, in four columns. Column 1: a bind mount, created with -v followed by a host path, connects the container path /usr/local/apache2/htdocs to any directory on the host such as /root/site; the files survive docker rm. Column 2: a named volume, created with -v notes:/data, connects /data to a directory Docker manages under /var/lib/docker/volumes/notes/_data; it survives docker rm. Column 3: a tmpfs mount, created with --tmpfs /scratch, keeps /scratch in the host's memory only; it is gone when the container stops. Column 4: every other path lives in the container's writable layer inside Docker's storage driver; it is gone with docker rm."
      caption="Three ways to put data outside a container's writable layer. Only bind mounts and volumes outlive the container."
    >
      <defs>
        <ArrowMarker id="mounts-arrow" />
      </defs>
      <rect x="6" y="10" width="908" height="118" rx="8" fill="none" stroke="var(--border)" strokeWidth="1.5" />
      <text x="24" y="32" fontSize="14" fontWeight="600" fill="var(--fg)">
        Container
      </text>
      <rect x="6" y="250" width="908" height="160" rx="8" fill="none" stroke="var(--border)" strokeWidth="1.5" />
      <text x="24" y="400" fontSize="14" fontWeight="600" fill="var(--fg)">
        Docker host
      </text>
      {cols.map((c) => {
        const cx = c.x + 105;
        const tone: Tone = c.keeps ? 'tip' : 'warning';
        return (
          <g key={c.kind}>
            <Box x={c.x} y={44} w={210} h={62} label={c.target} mono tone={c.kind === 'no mount' ? 'plain' : 'accent'} />
            <line
              x1={cx}
              y1={110}
              x2={cx}
              y2={258}
              stroke="var(--fg-muted)"
              strokeWidth="2"
              markerStart="url(#mounts-arrow)"
              markerEnd="url(#mounts-arrow)"
              strokeDasharray={c.kind === 'no mount' ? '5 4' : undefined}
            />
            <rect x={c.x + 15} y={150} width={180} height={56} rx="6" fill="var(--bg)" stroke="var(--border)" />
            <text x={cx} y={173} textAnchor="middle" fontSize="14" fontWeight="600" fill="var(--fg)">
              {c.kind}
            </text>
            <text x={cx} y={193} textAnchor="middle" fontSize="12" fill="var(--fg)" style={{ fontFamily: MONO }}>
              {c.flag}
            </text>
            <Box x={c.x} y={262} w={210} h={62} label={c.host} lines={[c.hostSub]} mono={c.host.startsWith('/')} />
            <rect x={c.x + 25} y={336} width={160} height={26} rx="13" fill={FILL[tone]} stroke={STROKE[tone]} />
            <text x={cx} y={353} textAnchor="middle" fontSize="12" fill="var(--fg)">
              {c.fate}
            </text>
          </g>
        );
      })}
    </Diagram>
  );
}

/* ------------------------------------------------------------------------------------------ */

/** Chapter 9: the default bridge network: docker0, veth pairs, NAT and a published port. */
function BridgeNetwork() {
  return (
    <Diagram
      id="bridge"
      width={900}
      height={460}
      title="The default bridge network"
      desc="Inside the Docker host, two containers, web at 172.17.0.2 and db at 172.17.0.3, each have their own network namespace with an interface eth0. Each eth0 is one end of a veth pair; the other ends, vethA and vethB, are plugged into the Linux bridge docker0, which has the address 172.17.0.1 and is the containers' default gateway. Containers on docker0 can reach each other directly. Traffic from the containers to the outside goes through NAT rules that masquerade it behind the host's eth0 address 192.168.1.10. For a port published with -p 8080:80, a DNAT rule forwards connections that reach the host on port 8080 to 172.17.0.2 port 80, so clients on the LAN or internet reach the web container."
      caption={
        <>
          The default <code>bridge</code> network: each container&apos;s <code>eth0</code> is one end of a veth pair whose other end
          is plugged into <code>docker0</code>; NAT rules on the host carry traffic out, and bring published ports in.
        </>
      }
    >
      <defs>
        <ArrowMarker id="bridge-arrow" />
        <ArrowMarker id="bridge-arrow-accent" color="var(--accent)" />
      </defs>

      <rect x="10" y="10" width="740" height="440" rx="10" fill="none" stroke="var(--border)" strokeWidth="1.5" />
      <text x="26" y="34" fontSize="14" fontWeight="600" fill="var(--fg)">
        Docker host
      </text>

      {/* Containers */}
      <rect x="40" y="50" width="230" height="110" rx="8" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
      <text x="155" y="76" textAnchor="middle" fontSize="14" fontWeight="600" fill="var(--fg)">
        container web
      </text>
      <text x="155" y="95" textAnchor="middle" fontSize="12" fill="var(--fg-muted)">
        own network namespace
      </text>
      <Box x={60} y={108} w={190} h={36} label="eth0 · 172.17.0.2" mono tone="accent" />

      <rect x="300" y="50" width="230" height="110" rx="8" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
      <text x="415" y="76" textAnchor="middle" fontSize="14" fontWeight="600" fill="var(--fg)">
        container db
      </text>
      <text x="415" y="95" textAnchor="middle" fontSize="12" fill="var(--fg-muted)">
        own network namespace
      </text>
      <Box x={320} y={108} w={190} h={36} label="eth0 · 172.17.0.3" mono tone="accent" />

      {/* veth pairs */}
      <line x1="155" y1="144" x2="155" y2="206" stroke="var(--fg-muted)" strokeWidth="2" />
      <line x1="415" y1="144" x2="415" y2="206" stroke="var(--fg-muted)" strokeWidth="2" />
      <text x="165" y="180" fontSize="12" fill="var(--fg-muted)">
        veth pair
      </text>
      <text x="425" y="180" fontSize="12" fill="var(--fg-muted)">
        veth pair
      </text>
      <Box x={105} y={206} w={100} h={30} label="vethA" mono />
      <Box x={365} y={206} w={100} h={30} label="vethB" mono />

      {/* docker0 */}
      <rect x="40" y="236" width="490" height="52" rx="8" fill="var(--accent-soft)" stroke="var(--accent)" strokeWidth="1.5" />
      <text x="285" y="259" textAnchor="middle" fontSize="14" fontWeight="600" fill="var(--fg)">
        docker0 · Linux bridge · 172.17.0.1/16
      </text>
      <text x="285" y="277" textAnchor="middle" fontSize="12" fill="var(--fg-muted)">
        a virtual switch; the containers&apos; default gateway
      </text>
      <text x="40" y="316" fontSize="12" fill="var(--fg-muted)">
        Containers on docker0 reach each other directly, by IP address:
      </text>
      <text x="40" y="334" fontSize="12" fill="var(--fg-muted)">
        the default bridge has no DNS for container names.
      </text>
      <text x="40" y="370" fontSize="12" fill="var(--fg-muted)">
        Each network you create with docker network create gets a bridge of its own
      </text>
      <text x="40" y="388" fontSize="12" fill="var(--fg-muted)">
        (br-1a2b3c…), its own subnet, and DNS for container names.
      </text>

      {/* NAT and host NIC */}
      <line x1="530" y1="262" x2="556" y2="262" stroke="var(--fg-muted)" strokeWidth="2" markerEnd="url(#bridge-arrow)" />
      <rect x="560" y="214" width="180" height="100" rx="8" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
      <text x="650" y="238" textAnchor="middle" fontSize="14" fontWeight="600" fill="var(--fg)">
        NAT rules
      </text>
      <text x="650" y="258" textAnchor="middle" fontSize="12" fill="var(--fg-muted)">
        out: MASQUERADE
      </text>
      <text x="650" y="278" textAnchor="middle" fontSize="12" fill="var(--fg)">
        in: :8080 → 172.17.0.2:80
      </text>
      <text x="650" y="298" textAnchor="middle" fontSize="12" fill="var(--fg-muted)">
        (iptables or nftables)
      </text>
      <line x1="650" y1="314" x2="650" y2="356" stroke="var(--fg-muted)" strokeWidth="2" markerStart="url(#bridge-arrow)" />
      <Box x={560} y={360} w={180} h={56} label="eth0" lines={['192.168.1.10']} mono />

      {/* Outside */}
      <line
        x1="740"
        y1="388"
        x2="776"
        y2="388"
        stroke="var(--fg-muted)"
        strokeWidth="2"
        markerStart="url(#bridge-arrow)"
        markerEnd="url(#bridge-arrow)"
      />
      <Box x={780} y={354} w={110} h={68} label="LAN or" lines={['internet']} />

      {/* Published port callout */}
      <rect x="560" y="60" width="180" height="104" rx="8" fill="var(--bg)" stroke="var(--accent)" strokeWidth="1.5" />
      <text x="650" y="84" textAnchor="middle" fontSize="13" fontWeight="600" fill="var(--fg)" style={{ fontFamily: MONO }}>
        -p 8080:80
      </text>
      <text x="650" y="106" textAnchor="middle" fontSize="12" fill="var(--fg-muted)">
        a client connects to
      </text>
      <text x="650" y="124" textAnchor="middle" fontSize="12" fill="var(--fg)" style={{ fontFamily: MONO }}>
        192.168.1.10:8080
      </text>
      <text x="650" y="146" textAnchor="middle" fontSize="12" fill="var(--fg-muted)">
        and reaches web:80
      </text>
      <line x1="650" y1="164" x2="650" y2="210" stroke="var(--accent)" strokeWidth="2" markerEnd="url(#bridge-arrow-accent)" />
    </Diagram>
  );
}

/* ------------------------------------------------------------------------------------------ */

/** Chapter 10: docker run flags and the cgroup v2 files runc writes them to. */
function CgroupLimits() {
  const rows = [
    { flag: '--memory 128m', file: 'memory.max', value: '134217728' },
    { flag: '--memory-swap 128m', file: 'memory.swap.max', value: '0' },
    { flag: '--cpus 0.5', file: 'cpu.max', value: '50000 100000' },
    { flag: '--cpu-shares 512', file: 'cpu.weight', value: '(converted)' },
    { flag: '--pids-limit 100', file: 'pids.max', value: '100' },
  ] as const;
  const top = 78;
  const step = 50;
  return (
    <Diagram
      id="cgroups"
      width={820}
      height={350}
      title="How docker run limits map to cgroup v2 files"
      desc="Five docker run flags on the left, each with an arrow to the cgroup v2 file that runc writes in the container's cgroup directory, for example /sys/fs/cgroup/system.slice/docker-ID.scope. --memory 128m writes memory.max = 134217728. --memory-swap 128m writes memory.swap.max = 0, because the swap allowance is memory-swap minus memory. --cpus 0.5 writes cpu.max = 50000 100000, a quota of 50 ms per 100 ms period. --cpu-shares 512 writes cpu.weight, converted to the cgroup v2 scale. --pids-limit 100 writes pids.max = 100."
      caption={
        <>
          Each limit is a value in a file of the container&apos;s cgroup. The kernel enforces it; Docker only writes it (through
          containerd and runc).
        </>
      }
    >
      <defs>
        <ArrowMarker id="cgroups-arrow" />
      </defs>
      <text x="20" y="30" fontSize="14" fontWeight="600" fill="var(--fg)">
        docker run …
      </text>
      <text x="330" y="30" fontSize="14" fontWeight="600" fill="var(--fg)">
        the container&apos;s cgroup directory
      </text>
      <text x="330" y="50" fontSize="12" fill="var(--fg-muted)" style={{ fontFamily: MONO }}>
        /sys/fs/cgroup/system.slice/docker-&lt;id&gt;.scope/
      </text>
      <rect x="320" y="62" width="490" height={rows.length * step + 14} rx="8" fill="none" stroke="var(--border)" strokeWidth="1.5" />
      {rows.map((r, i) => {
        const y = top + i * step;
        return (
          <g key={r.flag}>
            <Box x={20} y={y - 4} w={220} h={38} label={r.flag} mono tone="accent" />
            <line x1="240" y1={y + 15} x2="326" y2={y + 15} stroke="var(--fg-muted)" strokeWidth="2" markerEnd="url(#cgroups-arrow)" />
            <rect x="330" y={y - 4} width="470" height="38" rx="6" fill="var(--bg-subtle)" stroke="var(--border)" />
            <text x="346" y={y + 20} fontSize="13" fontWeight="600" fill="var(--fg)" style={{ fontFamily: MONO }}>
              {r.file}
            </text>
            <text x="560" y={y + 20} fontSize="13" fill="var(--fg)" style={{ fontFamily: MONO }}>
              {r.value}
            </text>
          </g>
        );
      })}
    </Diagram>
  );
}

export const practiceDiagrams: Record<string, ElementType> = { ImageLayers, MountTypes, BridgeNetwork, CgroupLimits };
