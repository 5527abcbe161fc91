import type { ElementType, ReactNode } from 'react';

/**
 * Diagrams for the guide's chapters, as accessible inline SVG server components
 * (role="img" with a <title> and <desc>, colours from the site's CSS variables so they
 * follow the theme). Chapters use them by name, e.g. <ContainersVsVms />.
 *
 * This file: chapters 11–14 (multi-container apps, registries, the ecosystem, HPC).
 * Every id inside an SVG is prefixed with the diagram's name, so two diagrams can share a page.
 */

const SANS = 'var(--font-sans, system-ui, sans-serif)';
const MONO = 'var(--font-mono, ui-monospace, monospace)';

function ArrowMarker({ id, color = 'var(--fg)' }: { id: string; color?: string }) {
  return (
    <marker id={id} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill={color} />
    </marker>
  );
}

function Figure({ caption, children }: { caption: ReactNode; children: ReactNode }) {
  return (
    <figure className="diagram">
      {children}
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

/** Chapter 11: browser → wordpress → mariadb on a user-defined network, with a named volume. */
function WordPressStack() {
  return (
    <Figure caption="The WordPress stack built by hand: one published port, two containers on a user-defined network, one named volume.">
      <svg
        role="img"
        aria-labelledby="wpstack-title wpstack-desc"
        viewBox="0 0 760 380"
        width="100%"
        style={{ fontFamily: SANS, maxWidth: '760px', height: 'auto' }}
      >
        <title id="wpstack-title">WordPress and MariaDB on a user-defined network</title>
        <desc id="wpstack-desc">
          A browser connects to localhost port 8080. Docker forwards the published port 8080 to port 80 of the
          container wp-web, which runs the wordpress image (Apache and PHP) and has WORDPRESS_DB_HOST set to wp-db.
          Both wp-web and the database container wp-db, which runs the mariadb image with MARIADB_ROOT_PASSWORD set,
          sit on the user-defined network wp-net, where Docker&apos;s DNS resolves container names. wp-web reaches the
          database at wp-db port 3306, which is not published on the host. The named volume wp-db-data is mounted in
          wp-db at /var/lib/mysql, so the data outlives the container.
        </desc>
        <defs>
          <ArrowMarker id="wpstack-arrow" />
        </defs>

        {/* Browser */}
        <rect x="16" y="124" width="130" height="64" rx="8" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
        <text x="81" y="151" textAnchor="middle" fontSize="15" fontWeight="600" fill="var(--fg)">
          Browser
        </text>
        <text x="81" y="172" textAnchor="middle" fontSize="12" fill="var(--fg-muted)" fontFamily={MONO}>
          localhost:8080
        </text>

        {/* Docker host */}
        <rect x="180" y="16" width="564" height="348" rx="12" fill="none" stroke="var(--border)" strokeWidth="1.5" />
        <text x="196" y="40" fontSize="13" fill="var(--fg-muted)">
          Docker host
        </text>

        {/* Network */}
        <rect
          x="200"
          y="56"
          width="524"
          height="200"
          rx="10"
          fill="var(--accent-soft)"
          stroke="var(--accent)"
          strokeWidth="1.5"
          strokeDasharray="6 4"
        />
        <text x="216" y="80" fontSize="13" fill="var(--fg)">
          <tspan fontWeight="600">network wp-net</tspan>
          <tspan fill="var(--fg-muted)"> (user-defined: containers find each other by name)</tspan>
        </text>

        {/* wp-web */}
        <rect x="222" y="104" width="210" height="112" rx="8" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
        <text x="238" y="130" fontSize="15" fontWeight="600" fill="var(--fg)">
          wp-web
        </text>
        <text x="238" y="152" fontSize="13" fill="var(--fg)">
          image: wordpress
        </text>
        <text x="238" y="172" fontSize="13" fill="var(--fg-muted)">
          Apache + PHP on port 80
        </text>
        <text x="238" y="200" fontSize="12" fill="var(--fg-muted)" fontFamily={MONO}>
          WORDPRESS_DB_HOST=wp-db
        </text>

        {/* wp-db */}
        <rect x="512" y="104" width="200" height="112" rx="8" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
        <text x="528" y="130" fontSize="15" fontWeight="600" fill="var(--fg)">
          wp-db
        </text>
        <text x="528" y="152" fontSize="13" fill="var(--fg)">
          image: mariadb
        </text>
        <text x="528" y="172" fontSize="13" fill="var(--fg-muted)">
          port 3306, not published
        </text>
        <text x="528" y="200" fontSize="12" fill="var(--fg-muted)" fontFamily={MONO}>
          MARIADB_ROOT_PASSWORD
        </text>

        {/* Browser → wp-web through the published port */}
        <line x1="146" y1="156" x2="220" y2="156" stroke="var(--fg)" strokeWidth="2" markerEnd="url(#wpstack-arrow)" />
        <rect x="147" y="132" width="72" height="18" rx="3" fill="var(--bg)" />
        <text x="183" y="146" textAnchor="middle" fontSize="12" fill="var(--fg)" fontFamily={MONO}>
          -p 8080:80
        </text>

        {/* wp-web → wp-db by name */}
        <line x1="432" y1="160" x2="510" y2="160" stroke="var(--accent)" strokeWidth="2" markerEnd="url(#wpstack-arrow)" />
        <text x="472" y="150" textAnchor="middle" fontSize="12" fill="var(--fg)" fontFamily={MONO}>
          wp-db:3306
        </text>

        {/* Volume */}
        <line x1="612" y1="216" x2="612" y2="282" stroke="var(--fg)" strokeWidth="2" strokeDasharray="4 3" />
        <text x="620" y="274" fontSize="12" fill="var(--fg)" fontFamily={MONO}>
          /var/lib/mysql
        </text>
        <path
          d="M542,290 a70,10 0 0,0 140,0 v44 a70,10 0 0,1 -140,0 z"
          fill="var(--bg-subtle)"
          stroke="var(--tip)"
          strokeWidth="1.5"
        />
        <ellipse cx="612" cy="290" rx="70" ry="10" fill="var(--bg-subtle)" stroke="var(--tip)" strokeWidth="1.5" />
        <text x="612" y="320" textAnchor="middle" fontSize="13" fill="var(--fg)">
          volume wp-db-data
        </text>

        {/* Notes */}
        <text x="222" y="300" fontSize="13" fill="var(--fg-muted)">
          Only port 8080 is published on the host.
        </text>
        <text x="222" y="322" fontSize="13" fill="var(--fg-muted)">
          The database is reachable only in wp-net;
        </text>
        <text x="222" y="344" fontSize="13" fill="var(--fg-muted)">
          its data lives in the volume.
        </text>
      </svg>
    </Figure>
  );
}

/** Chapter 12: tag, log in, push to a registry, pull elsewhere. */
function RegistryFlow() {
  return (
    <Figure caption="A registry sits between the machine that pushes an image and every machine that pulls it.">
      <svg
        role="img"
        aria-labelledby="regflow-title regflow-desc"
        viewBox="0 0 800 300"
        width="100%"
        style={{ fontFamily: SANS, maxWidth: '800px', height: 'auto' }}
      >
        <title id="regflow-title">Push to a registry, pull from it elsewhere</title>
        <desc id="regflow-desc">
          On your machine you first tag the image with the registry in its name, then docker login stores your
          credentials in the file .docker/config.json in your home directory, then docker push uploads the layers the
          registry lacks and finally the manifest. The registry, here localhost:5000 running registry:2, keeps
          repositories such as tools/busybox, whose tags point to manifests, and stores each layer once by its digest.
          Any other Docker host, such as a CI runner, a server or a cluster node, runs docker pull: it fetches the
          manifest by tag, then only the layers it does not have. The Docker daemon does the transfers; the command
          line client only keeps the credentials.
        </desc>
        <defs>
          <ArrowMarker id="regflow-arrow" color="var(--accent)" />
        </defs>

        {/* Your machine */}
        <rect x="16" y="24" width="250" height="220" rx="10" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
        <text x="32" y="52" fontSize="15" fontWeight="600" fill="var(--fg)">
          Your machine
        </text>
        <text x="32" y="86" fontSize="13" fill="var(--fg)" fontFamily={MONO}>
          1. docker tag
        </text>
        <text x="50" y="106" fontSize="12" fill="var(--fg-muted)">
          puts the registry into the name
        </text>
        <text x="32" y="140" fontSize="13" fill="var(--fg)" fontFamily={MONO}>
          2. docker login
        </text>
        <text x="50" y="160" fontSize="12" fill="var(--fg-muted)">
          saves ~/.docker/config.json
        </text>
        <text x="32" y="194" fontSize="13" fill="var(--fg)" fontFamily={MONO}>
          3. docker push
        </text>
        <text x="50" y="214" fontSize="12" fill="var(--fg-muted)">
          missing layers, then the manifest
        </text>

        {/* Registry */}
        <rect x="326" y="24" width="214" height="220" rx="10" fill="var(--accent-soft)" stroke="var(--accent)" strokeWidth="1.5" />
        <text x="342" y="52" fontSize="15" fontWeight="600" fill="var(--fg)">
          Registry
        </text>
        <text x="342" y="74" fontSize="12" fill="var(--fg)" fontFamily={MONO}>
          localhost:5000
        </text>
        <rect x="342" y="90" width="182" height="136" rx="6" fill="var(--bg-subtle)" stroke="var(--border)" />
        <text x="354" y="114" fontSize="13" fontWeight="600" fill="var(--fg)" fontFamily={MONO}>
          tools/busybox
        </text>
        <text x="354" y="138" fontSize="12" fill="var(--fg)">
          tag 1.0 → manifest
        </text>
        <text x="354" y="162" fontSize="12" fill="var(--fg-muted)">
          manifest → layer digests
        </text>
        <text x="354" y="186" fontSize="12" fill="var(--fg-muted)">
          each layer stored once,
        </text>
        <text x="354" y="206" fontSize="12" fill="var(--fg-muted)">
          named by its sha256
        </text>

        {/* Other hosts */}
        <rect x="600" y="24" width="184" height="220" rx="10" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
        <text x="616" y="52" fontSize="15" fontWeight="600" fill="var(--fg)">
          Any Docker host
        </text>
        <text x="616" y="74" fontSize="12" fill="var(--fg-muted)">
          CI runner, server, cluster
        </text>
        <text x="616" y="118" fontSize="13" fill="var(--fg)" fontFamily={MONO}>
          4. docker pull
        </text>
        <text x="634" y="138" fontSize="12" fill="var(--fg-muted)">
          manifest by tag,
        </text>
        <text x="634" y="156" fontSize="12" fill="var(--fg-muted)">
          then only the layers
        </text>
        <text x="634" y="174" fontSize="12" fill="var(--fg-muted)">
          it does not have yet
        </text>

        {/* Arrows */}
        <line x1="266" y1="134" x2="324" y2="134" stroke="var(--accent)" strokeWidth="2.5" markerEnd="url(#regflow-arrow)" />
        <text x="295" y="124" textAnchor="middle" fontSize="12" fill="var(--fg)">
          push
        </text>
        <line x1="540" y1="134" x2="598" y2="134" stroke="var(--accent)" strokeWidth="2.5" markerEnd="url(#regflow-arrow)" />
        <text x="569" y="124" textAnchor="middle" fontSize="12" fill="var(--fg)">
          pull
        </text>

        <text x="400" y="280" textAnchor="middle" fontSize="13" fill="var(--fg-muted)">
          The Docker daemon does the transfers; the docker client only keeps your credentials.
        </text>
      </svg>
    </Figure>
  );
}

interface StackItem {
  label: string;
  /** Relative width in its row (default 1). */
  weight?: number;
  /** On the path a `docker run` takes. */
  docker?: boolean;
}

const STACK_ROWS: readonly { name: string; items: readonly StackItem[] }[] = [
  {
    name: 'Client',
    items: [{ label: 'docker', docker: true }, { label: 'podman' }, { label: 'nerdctl' }, { label: 'kubelet (CRI)' }],
  },
  {
    name: 'Engine',
    items: [
      { label: 'dockerd → containerd', docker: true, weight: 1.5 },
      { label: 'libpod + conmon' },
      { label: 'containerd' },
      { label: 'CRI-O' },
    ],
  },
  {
    name: 'OCI runtime',
    items: [
      { label: 'runc', docker: true },
      { label: 'crun' },
      { label: 'youki' },
      { label: 'gVisor runsc' },
      { label: 'Kata (micro-VM)' },
    ],
  },
];

/** Chapter 13: the layers of the container stack and the interchangeable parts at each layer. */
function ContainerStack() {
  const left = 160;
  const right = 784;
  const rowHeight = 58;
  const rowGap = 34;
  const top = 20;
  const gap = 12;
  const rowY = (index: number) => top + index * (rowHeight + rowGap);
  const boxes = STACK_ROWS.map((row, r) => {
    const unit = (right - left - gap * (row.items.length - 1)) / row.items.reduce((sum, item) => sum + (item.weight ?? 1), 0);
    let x = left;
    return row.items.map((item) => {
      const width = unit * (item.weight ?? 1);
      const box = { ...item, x, y: rowY(r), width };
      x += width + gap;
      return box;
    });
  });
  const dockerPath = boxes.map((row) => row.find((box) => box.docker)).filter((box) => box !== undefined);
  const kernelY = rowY(STACK_ROWS.length);

  return (
    <Figure caption="One stack, interchangeable parts: Docker's path is highlighted; every engine can drive any OCI runtime.">
      <svg
        role="img"
        aria-labelledby="stack-title stack-desc"
        viewBox={`0 0 800 ${kernelY + rowHeight + 20}`}
        width="100%"
        style={{ fontFamily: SANS, maxWidth: '800px', height: 'auto' }}
      >
        <title id="stack-title">The container stack and its alternatives</title>
        <desc id="stack-desc">
          Four layers, top to bottom. Clients: docker, podman, nerdctl, and the Kubernetes kubelet speaking CRI.
          Engines: dockerd with containerd, Podman&apos;s libpod with conmon and no daemon, containerd on its own, and
          CRI-O. OCI runtimes: runc, crun, youki, gVisor&apos;s runsc, and Kata Containers, which uses small virtual
          machines. At the bottom, the Linux kernel provides namespaces, cgroups, overlayfs, seccomp and capabilities.
          The path of a docker run command is highlighted: docker, then dockerd and containerd, then runc, then the
          kernel.
        </desc>
        <defs>
          <ArrowMarker id="stack-arrow" color="var(--accent)" />
        </defs>

        {STACK_ROWS.map((row, r) => (
          <text key={row.name} x="16" y={rowY(r) + rowHeight / 2 + 5} fontSize="14" fontWeight="600" fill="var(--fg)">
            {row.name}
          </text>
        ))}
        <text x="16" y={kernelY + rowHeight / 2 + 5} fontSize="14" fontWeight="600" fill="var(--fg)">
          Linux kernel
        </text>

        {boxes.flat().map((box) => (
          <g key={`${box.y}-${box.label}`}>
            <rect
              x={box.x}
              y={box.y}
              width={box.width}
              height={rowHeight}
              rx="8"
              fill={box.docker ? 'var(--accent-soft)' : 'var(--bg-subtle)'}
              stroke={box.docker ? 'var(--accent)' : 'var(--border)'}
              strokeWidth={box.docker ? 2.5 : 1.5}
            />
            <text
              x={box.x + box.width / 2}
              y={box.y + rowHeight / 2 + 5}
              textAnchor="middle"
              fontSize="13"
              fontWeight={box.docker ? 600 : 400}
              fill="var(--fg)"
            >
              {box.label}
            </text>
          </g>
        ))}

        <rect x={left} y={kernelY} width={right - left} height={rowHeight} rx="8" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
        <text x={(left + right) / 2} y={kernelY + rowHeight / 2 + 5} textAnchor="middle" fontSize="13" fill="var(--fg)">
          namespaces · cgroups · overlayfs · seccomp · capabilities
        </text>

        {dockerPath.map((box, i) => {
          const next = dockerPath[i + 1];
          const x = box.x + box.width / 2;
          const y2 = next ? next.y - 2 : kernelY - 2;
          return (
            <line
              key={`path-${box.label}`}
              x1={x}
              y1={box.y + rowHeight}
              x2={x}
              y2={y2}
              stroke="var(--accent)"
              strokeWidth="2.5"
              markerEnd="url(#stack-arrow)"
            />
          );
        })}
      </svg>
    </Figure>
  );
}

interface RuntimeCard {
  name: string;
  runsAs: string;
  image: string;
}

const RUNTIME_COLUMNS: readonly { title: string; subtitle: string; color: string; cards: readonly RuntimeCard[] }[] = [
  {
    title: 'Root daemon',
    subtitle: 'a root service starts everything',
    color: 'var(--warning)',
    cards: [
      { name: 'Docker (default install)', runsAs: 'root (or any --user)', image: 'layers in /var/lib/docker' },
    ],
  },
  {
    title: 'Setuid helper',
    subtitle: 'root only briefly, at start',
    color: 'var(--accent)',
    cards: [
      { name: 'Shifter', runsAs: 'you', image: 'SquashFS from a gateway' },
      { name: 'Apptainer, setuid install', runsAs: 'you', image: 'SIF file (SquashFS)' },
    ],
  },
  {
    title: 'No privilege at all',
    subtitle: 'unprivileged user namespaces',
    color: 'var(--tip)',
    cards: [
      { name: 'Apptainer (default)', runsAs: 'you', image: 'SIF file or sandbox dir' },
      { name: 'Charliecloud', runsAs: 'you', image: 'directory or SquashFS' },
      { name: 'Enroot', runsAs: 'you', image: 'SquashFS file (.sqsh)' },
      { name: 'Podman, rootless', runsAs: 'you (root = your UID)', image: 'OCI layers in your home' },
      { name: 'Docker, rootless mode', runsAs: 'you (per-user daemon)', image: 'OCI layers in your home' },
    ],
  },
];

/** Chapter 14: who needs a root daemon, who runs as the user, and which image format each uses. */
function HpcRuntimes() {
  const colWidth = 244;
  const colGap = 16;
  const cardHeight = 66;
  const cardGap = 10;
  const cardsTop = 104;
  const tallest = Math.max(...RUNTIME_COLUMNS.map((column) => column.cards.length));
  const bottom = cardsTop + tallest * (cardHeight + cardGap);
  const height = bottom + 56;

  return (
    <Figure caption="The HPC runtime landscape: how much privilege each runtime needs, whom your processes run as, and the image format it keeps.">
      <svg
        role="img"
        aria-labelledby="hpcrt-title hpcrt-desc"
        viewBox={`0 0 ${16 * 2 + colWidth * 3 + colGap * 2} ${height}`}
        width="100%"
        style={{ fontFamily: SANS, maxWidth: '800px', height: 'auto' }}
      >
        <title id="hpcrt-title">Container runtimes by privilege model</title>
        <desc id="hpcrt-desc">
          Three columns, from most to least privilege. Root daemon: Docker in its default installation, where processes
          run as root or as any user ID the caller asks for, and images are OCI layers in /var/lib/docker. Setuid
          helper, root only for a moment at start: Shifter, which runs processes as you from SquashFS images made by an
          image gateway, and Apptainer installed setuid, which runs as you from a SIF file. No privilege at all, using
          unprivileged user namespaces: Apptainer in its default installation (SIF file or sandbox directory),
          Charliecloud (directory tree or SquashFS), Enroot (SquashFS file), rootless Podman, where root in the
          container is your own user ID and images are OCI layers in your home directory, and Docker in rootless mode,
          with a per-user daemon. Everything outside the first column runs your processes as you.
        </desc>
        <defs>
          <ArrowMarker id="hpcrt-arrow" />
        </defs>

        {RUNTIME_COLUMNS.map((column, c) => {
          const x = 16 + c * (colWidth + colGap);
          return (
            <g key={column.title}>
              <rect x={x} y="16" width={colWidth} height="72" rx="8" fill="var(--bg-subtle)" stroke={column.color} strokeWidth="2.5" />
              <rect x={x} y="16" width="8" height="72" rx="3" fill={column.color} />
              <text x={x + 20} y="46" fontSize="15" fontWeight="600" fill="var(--fg)">
                {column.title}
              </text>
              <text x={x + 20} y="70" fontSize="12" fill="var(--fg-muted)">
                {column.subtitle}
              </text>
              {column.cards.map((card, i) => {
                const y = cardsTop + i * (cardHeight + cardGap);
                return (
                  <g key={card.name}>
                    <rect x={x} y={y} width={colWidth} height={cardHeight} rx="8" fill="var(--bg-subtle)" stroke="var(--border)" strokeWidth="1.5" />
                    <text x={x + 12} y={y + 22} fontSize="14" fontWeight="600" fill="var(--fg)">
                      {card.name}
                    </text>
                    <text x={x + 12} y={y + 41} fontSize="12" fill="var(--fg)">
                      runs as: {card.runsAs}
                    </text>
                    <text x={x + 12} y={y + 58} fontSize="12" fill="var(--fg-muted)">
                      image: {card.image}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}

        <line
          x1="24"
          y1={bottom + 16}
          x2={16 + colWidth * 3 + colGap * 2 - 8}
          y2={bottom + 16}
          stroke="var(--fg-muted)"
          strokeWidth="2"
          markerStart="url(#hpcrt-arrow)"
          markerEnd="url(#hpcrt-arrow)"
        />
        <text x="24" y={bottom + 40} fontSize="13" fill="var(--fg)">
          more privilege: whoever reaches the daemon is root
        </text>
        <text x={16 + colWidth * 3 + colGap * 2 - 8} y={bottom + 40} textAnchor="end" fontSize="13" fill="var(--fg)">
          less privilege: the job is just your processes
        </text>
      </svg>
    </Figure>
  );
}

export const beyondDiagrams: Record<string, ElementType> = {
  WordPressStack,
  RegistryFlow,
  ContainerStack,
  HpcRuntimes,
};
