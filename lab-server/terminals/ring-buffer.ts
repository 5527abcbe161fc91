/**
 * The last `capacity` bytes of a pane's output, addressed by absolute sequence numbers
 * (bytes produced since the shell started), so a reconnecting client can ask for
 * "everything after byte N" and get no gap and no duplicate.
 */
export class OutputRing {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Sequence number of the first byte still held. */
  private start = 0;

  constructor(private readonly capacity: number) {}

  get startSeq(): number {
    return this.start;
  }

  get endSeq(): number {
    return this.start + this.size;
  }

  push(chunk: Buffer): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    while (this.size > this.capacity && this.chunks.length > 0) {
      const head = this.chunks[0]!;
      const excess = this.size - this.capacity;
      if (head.byteLength <= excess) {
        this.chunks.shift();
        this.size -= head.byteLength;
        this.start += head.byteLength;
      } else {
        this.chunks[0] = head.subarray(excess);
        this.size -= excess;
        this.start += excess;
      }
    }
  }

  /** Bytes from `seq` to the end, or undefined when `seq` is older than what is held (or in the future). */
  since(seq: number): Buffer | undefined {
    if (seq < this.start || seq > this.endSeq) return undefined;
    let skip = seq - this.start;
    const out: Buffer[] = [];
    for (const chunk of this.chunks) {
      if (skip >= chunk.byteLength) {
        skip -= chunk.byteLength;
        continue;
      }
      out.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
    return Buffer.concat(out);
  }
}
