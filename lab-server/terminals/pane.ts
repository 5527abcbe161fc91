import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type Docker from 'dockerode';
import type { WebSocket } from 'ws';
import { Close, clamp, COLS, encodePong, encodeSnapshot, Op, ROWS, type ServerMessage } from '../protocol/terminal';
import { FLOW } from './flow';
import { createMirror, type Mirror } from './mirror';
import { OutputRing } from './ring-buffer';

export interface PaneOptions {
  id: string;
  learnerId: string;
  containerId: string;
  cols: number;
  rows: number;
  shell?: string[];
}

export type PaneState = 'running' | 'exited';

interface Attachment {
  ws: WebSocket;
  viewer: boolean;
}

const OUTPUT_HEADER = Buffer.of(Op.output);

function sendJson(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

/**
 * One shell in a learner's workspace, owned by the lab server so it outlives any WebSocket:
 * a reload or a network blip re-attaches to the same process with the screen as it was.
 */
export class Pane extends EventEmitter<{ exit: [code: number | null]; workspaceGone: [outOfMemory: boolean, containerId: string] }> {
  readonly id: string;
  readonly learnerId: string;
  readonly containerId: string;
  cols: number;
  rows: number;
  state: PaneState = 'running';
  exitCode: number | null = null;
  lastInputAt = Date.now();

  private readonly ring = new OutputRing(FLOW.ringBytes);
  private readonly mirror: Mirror;
  private owner: Attachment | undefined;
  private readonly viewers = new Set<WebSocket>();
  private unacked = 0;
  /** The output rate cap's current slice (see countRate). */
  private sliceStart = 0;
  private sliceBytes = 0;
  private rateLimited = false;
  private detachedUnseen = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private paused = false;
  private resizeInFlight = false;
  private resizeWanted: { cols: number; rows: number } | undefined;
  private closed = false;

  private constructor(
    private readonly docker: Docker,
    private readonly exec: Docker.Exec,
    private readonly socket: Socket,
    options: PaneOptions,
  ) {
    super();
    this.id = options.id;
    this.learnerId = options.learnerId;
    this.containerId = options.containerId;
    this.cols = options.cols;
    this.rows = options.rows;
    this.mirror = createMirror(this.cols, this.rows, () => {
      if (this.paused) this.updatePause();
    });
    socket.on('data', (chunk: Buffer) => this.onOutput(chunk));
    socket.on('close', () => void this.onClosed());
    socket.on('error', () => socket.destroy());
  }

  /** Starts a login shell in the container with a TTY of the given size. */
  static async open(docker: Docker, options: PaneOptions): Promise<Pane> {
    const cols = clamp(options.cols, COLS);
    const rows = clamp(options.rows, ROWS);
    const exec = await docker.getContainer(options.containerId).exec({
      Cmd: options.shell ?? ['bash', '-l'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      // Ctrl-P is the default detach prefix and would be held back; use a key nobody types.
      DetachKeys: 'ctrl-^,ctrl-^',
      Env: ['TERM=xterm-256color', 'COLORTERM=truecolor', 'LANG=C.UTF-8'],
      WorkingDir: '/root',
      ConsoleSize: [rows, cols],
    } as Docker.ExecCreateOptions);
    const socket = (await exec.start({ hijack: true, stdin: true, Tty: true, ConsoleSize: [rows, cols] } as Docker.ExecStartOptions)) as unknown as Socket;
    socket.setNoDelay?.(true);
    const pane = new Pane(docker, exec, socket, { ...options, cols, rows });
    // Engines before API 1.42 ignore ConsoleSize: size the TTY explicitly, as the Docker CLI does.
    await pane.applyResize(cols, rows, true);
    return pane;
  }

  /**
   * Attaches a socket. The owner replaces any previous owner; viewers only watch.
   * After a blip (lastSeq still in the ring) the client gets exactly the bytes it missed;
   * after a reload it gets the mirror's screen and then everything produced since.
   */
  async attach(ws: WebSocket, lastSeq: number | null, viewer: boolean): Promise<void> {
    if (!viewer && this.owner) {
      const previous = this.owner.ws;
      this.owner = undefined;
      previous.close(Close.superseded, 'opened elsewhere');
      this.updatePause();
    }
    const canReplay = lastSeq !== null && this.ring.since(lastSeq) !== undefined;
    const snap = canReplay ? undefined : await this.mirror.snapshot();
    if (ws.readyState !== ws.OPEN) return;
    // From here on everything is synchronous, so no output can slip between what we send and what follows.
    this.flush();
    const fromSeq = snap ? snap.seq : (lastSeq ?? 0);
    const rest = this.ring.since(fromSeq);
    if (!rest) {
      ws.close(Close.tryAgain, 'output moved on; reconnect');
      return;
    }
    sendJson(ws, { t: 'ready', paneId: this.id, seq: fromSeq, cols: this.cols, rows: this.rows, mode: snap ? 'snapshot' : 'replay' });
    if (snap) ws.send(encodeSnapshot(snap.seq, this.cols, this.rows, snap.screen));
    for (let offset = 0; offset < rest.byteLength; offset += FLOW.maxFrame) {
      ws.send(Buffer.concat([OUTPUT_HEADER, rest.subarray(offset, offset + FLOW.maxFrame)]));
    }
    if (this.state === 'exited') sendJson(ws, { t: 'exit', code: this.exitCode });

    if (viewer) {
      this.viewers.add(ws);
      ws.once('close', () => this.viewers.delete(ws));
      return;
    }
    this.owner = { ws, viewer: false };
    this.unacked = rest.byteLength;
    this.detachedUnseen = 0;
    this.updatePause();
    ws.once('close', () => {
      if (this.owner?.ws !== ws) return;
      this.owner = undefined;
      this.detachedUnseen = 0;
      this.unacked = 0;
      this.updatePause();
    });
  }

  /** Whether the learner's own browser is attached (viewers do not count). */
  get hasOwner(): boolean {
    return this.owner !== undefined;
  }

  isOwner(ws: WebSocket): boolean {
    return this.owner?.ws === ws;
  }

  input(data: Uint8Array): void {
    if (this.state !== 'running' || data.byteLength === 0) return;
    this.lastInputAt = Date.now();
    const ws = this.owner?.ws;
    if (!this.socket.write(data) && ws) {
      ws.pause();
      this.socket.once('drain', () => ws.resume());
    }
  }

  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    this.updatePause();
  }

  pong(ws: WebSocket, clientTs: number): void {
    if (ws.readyState === ws.OPEN) ws.send(encodePong(clientTs, Date.now()));
  }

  resize(cols: number, rows: number): void {
    cols = clamp(cols, COLS);
    rows = clamp(rows, ROWS);
    if (cols === this.cols && rows === this.rows && !this.resizeInFlight) return;
    this.resizeWanted = { cols, rows };
    if (!this.resizeInFlight) void this.drainResizes();
  }

  /** Ends the shell (the container keeps running) and forgets every attachment. */
  close(): void {
    this.closed = true;
    this.socket.destroy();
    this.owner?.ws.close(Close.ended, 'pane closed');
    for (const viewer of this.viewers) viewer.close(Close.ended, 'pane closed');
    this.viewers.clear();
    this.mirror.dispose();
  }

  /** Bytes of output this pane holds in memory (ring + pending), for the memory figures. */
  get bufferedBytes(): number {
    return this.ring.endSeq - this.ring.startSeq + this.pendingBytes;
  }

  private async drainResizes(): Promise<void> {
    this.resizeInFlight = true;
    while (this.resizeWanted) {
      const { cols, rows } = this.resizeWanted;
      this.resizeWanted = undefined;
      await this.applyResize(cols, rows, false);
    }
    this.resizeInFlight = false;
  }

  private async applyResize(cols: number, rows: number, retry: boolean): Promise<void> {
    this.cols = cols;
    this.rows = rows;
    this.mirror.resize(cols, rows);
    // The Docker CLI's schedule: the exec may not be running yet right after start.
    for (let attempt = 0; attempt < (retry ? 10 : 1); attempt++) {
      try {
        await this.exec.resize({ h: rows, w: cols });
        break;
      } catch {
        if (this.state !== 'running') return;
        await new Promise((resolve) => setTimeout(resolve, (attempt + 1) * 10));
      }
    }
    for (const viewer of this.viewers) sendJson(viewer, { t: 'resized', cols, rows });
  }

  /** When the shell last printed something (a command still running, or just finished). */
  lastOutputAt = 0;

  private onOutput(chunk: Buffer): void {
    this.lastOutputAt = Date.now();
    this.countRate(chunk.byteLength);
    this.ring.push(chunk);
    this.mirror.write(chunk);
    if (!this.owner) {
      this.detachedUnseen += chunk.byteLength;
      this.updatePause();
    }
    if (!this.owner && this.viewers.size === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= FLOW.maxFrame) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    for (let offset = 0; offset < data.byteLength; offset += FLOW.maxFrame) {
      const frame = Buffer.concat([OUTPUT_HEADER, data.subarray(offset, offset + FLOW.maxFrame)]);
      const owner = this.owner?.ws;
      if (owner && owner.readyState === owner.OPEN) {
        // terminate, not close: a close frame would queue behind the data the client is not reading.
        if (owner.bufferedAmount > FLOW.ownerBacklog) owner.terminate();
        else {
          owner.send(frame);
          this.unacked += frame.byteLength - 1;
        }
      }
      for (const viewer of this.viewers) {
        if (viewer.bufferedAmount > FLOW.viewerBacklog) viewer.close(Close.tooMany, 'viewer too slow');
        else if (viewer.readyState === viewer.OPEN) viewer.send(frame);
      }
    }
    this.updatePause();
  }

  /** Bytes the screen mirror has not parsed yet (bounded by FLOW.mirrorHigh plus one read). */
  get mirrorBacklog(): number {
    return this.mirror.backlog;
  }

  /** Pauses the shell's output for the rest of the slice once its budget is spent (FLOW.rateSliceBytes). */
  private countRate(bytes: number): void {
    const now = performance.now();
    if (now - this.sliceStart >= FLOW.rateSliceMs) {
      this.sliceStart = now;
      this.sliceBytes = 0;
    }
    this.sliceBytes += bytes;
    if (this.sliceBytes < FLOW.rateSliceBytes || this.rateLimited) return;
    this.rateLimited = true;
    this.updatePause();
    setTimeout(() => {
      this.rateLimited = false;
      this.sliceStart = performance.now();
      this.sliceBytes = 0;
      this.updatePause();
    }, Math.max(1, this.sliceStart + FLOW.rateSliceMs - now)).unref();
  }

  private updatePause(): void {
    // Two readers must keep up with the shell: the learner's terminal (acks) and our own mirror.
    const clientBehind = this.owner ? this.unacked >= FLOW.high || (this.paused && this.unacked > FLOW.low) : this.detachedUnseen >= FLOW.detachedBudget;
    const mirrorBehind = this.mirror.backlog >= FLOW.mirrorHigh || (this.paused && this.mirror.backlog > FLOW.mirrorLow);
    const shouldPause = clientBehind || mirrorBehind || this.rateLimited;
    if (shouldPause && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!shouldPause && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private async inspectContainer(attempts: number): Promise<{ running: boolean; outOfMemory: boolean }> {
    let state = { running: true, outOfMemory: false };
    for (let attempt = 0; attempt < attempts && !this.closed; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      state = await this.docker
        .getContainer(this.containerId)
        .inspect()
        .then(
          (info) => ({ running: info.State.Running, outOfMemory: info.State.OOMKilled === true }),
          (error: { statusCode?: number }) => ({ running: error.statusCode !== 404, outOfMemory: false }),
        );
      if (!state.running) break;
    }
    return state;
  }

  private async onClosed(): Promise<void> {
    if (this.state === 'exited') return;
    this.flush();
    let code: number | null = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      const info = await this.exec.inspect().catch(() => undefined);
      if (info && !info.Running) {
        code = info.ExitCode ?? null;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.state = 'exited';
    this.exitCode = code;
    if (this.closed) return;
    // The shell may have ended because the whole workspace did (out of memory, killed, removed):
    // then the session ends and this pane is closed with "ended", which tells the page why. A shell
    // killed by a signal (or whose exec vanished) may be the first sign of a container still being
    // torn down, so look a few times before concluding it is only the shell.
    const container = await this.inspectContainer(code === null || code >= 128 ? 10 : 1);
    if (this.closed) return;
    if (!container.running) this.emit('workspaceGone', container.outOfMemory, this.containerId);
    if (this.closed) return;
    if (this.owner) sendJson(this.owner.ws, { t: 'exit', code });
    for (const viewer of this.viewers) sendJson(viewer, { t: 'exit', code });
    this.emit('exit', code);
  }
}
