import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * What the labels of a workspace cannot say, because Docker labels are fixed at creation: who owns
 * a warm-pool workspace (made before anyone claimed it), and a deadline moved by an extension.
 * Kept in the data directory, keyed by the workspace's name on the engine (its `lab.learner`
 * label: the learner id, or the pool id); a restarted lab server reads it when it re-adopts.
 * (A stand-in for the planned SQLite store: one small JSON file.)
 */
const claimSchema = z.object({
  learnerId: z.string().regex(/^[a-z0-9]{1,64}$/),
  clientIp: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export type Claim = z.infer<typeof claimSchema>;

const fileSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/), claimSchema);

export class ClaimStore {
  private claims: Record<string, Claim>;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'workspaces.json');
    this.claims = ClaimStore.read(this.file);
  }

  private static read(file: string): Record<string, Claim> {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  get(name: string): Claim | undefined {
    return this.claims[name];
  }

  set(name: string, claim: Claim): void {
    this.claims[name] = claim;
    this.save();
  }

  delete(name: string): void {
    if (!(name in this.claims)) return;
    delete this.claims[name];
    this.save();
  }

  /** Forgets the entries of workspaces that no longer exist. */
  retain(names: Set<string>): void {
    const before = Object.keys(this.claims).length;
    for (const name of Object.keys(this.claims)) if (!names.has(name)) delete this.claims[name];
    if (Object.keys(this.claims).length !== before) this.save();
  }

  /** Written whole, then renamed over the old file: a crash leaves the old or the new, never half. */
  private save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.claims));
    renameSync(tmp, this.file);
  }
}
