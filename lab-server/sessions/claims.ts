import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Who owns which warm-pool workspace. A pooled container is created before anyone claims it, and
 * Docker labels cannot change after creation, so the learner, their address and their deadlines
 * live here (in the data directory) instead of on the container. A restarted lab server reads
 * this to re-adopt claimed pool workspaces exactly as it re-adopts labelled ones.
 */
const claimSchema = z.object({
  learnerId: z.string().regex(/^[a-z0-9]{1,64}$/),
  clientIp: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export type Claim = z.infer<typeof claimSchema>;

const fileSchema = z.record(z.string().regex(/^pool-[a-z0-9]{1,40}$/), claimSchema);

export class ClaimStore {
  private claims: Record<string, Claim>;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'warm-pool-claims.json');
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

  get(poolId: string): Claim | undefined {
    return this.claims[poolId];
  }

  set(poolId: string, claim: Claim): void {
    this.claims[poolId] = claim;
    this.save();
  }

  delete(poolId: string): void {
    if (!(poolId in this.claims)) return;
    delete this.claims[poolId];
    this.save();
  }

  /** Forgets claims whose workspace no longer exists. */
  retain(poolIds: Set<string>): void {
    const before = Object.keys(this.claims).length;
    for (const poolId of Object.keys(this.claims)) if (!poolIds.has(poolId)) delete this.claims[poolId];
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
