/**
 * Flow-control numbers (research: anchors-terminal §9.4). The client acks bytes its terminal has
 * parsed; above HIGH unacknowledged bytes we stop reading the Docker socket, so `yes` blocks in
 * write() inside the container instead of growing memory here. Ctrl-C still flows the other way.
 */
export const FLOW = {
  /** Stop reading the shell's output above this many unacknowledged bytes. */
  high: 512 * 1024,
  /** Resume reading below this. */
  low: 128 * 1024,
  /** With nobody attached, keep reading (into the ring and the mirror) until this much is unseen. */
  detachedBudget: 1024 * 1024,
  /** One OUTPUT frame carries at most this much. */
  maxFrame: 64 * 1024,
  /** Output kept for replay after a network blip. */
  ringBytes: 1024 * 1024,
  /** Stop reading the shell while the server's screen mirror has this much written but not yet parsed… */
  mirrorHigh: 1024 * 1024,
  /** …and resume once it is down to this. */
  mirrorLow: 256 * 1024,
  /**
   * The owner's socket with this much queued is dropped (it reconnects and gets a replay). Acks
   * keep an honest client far below it; a client that acks bytes it never reads would otherwise
   * grow the server's send queue without end.
   */
  ownerBacklog: 4 * 1024 * 1024,
  /**
   * One pane reads at most this much of its shell's output per slice (4 MiB/s): more than a
   * browser's terminal renders (2–4 MB/s measured), and it keeps one learner's `yes` from taking
   * the event loop (the screen mirror parses every byte) from everyone else's keystrokes.
   */
  rateSliceBytes: 400 * 1024,
  rateSliceMs: 100,
  /** A viewer whose socket has this much queued is dropped (it reconnects and gets a snapshot). */
  viewerBacklog: 2 * 1024 * 1024,
} as const;
