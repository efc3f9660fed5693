/**
 * Leases: at most one holder of an asset partition's step at a time, across
 * processes and machines, using only the object store.
 *
 * A lease is a sequence of generation objects `locks/<step>/<partition>/<gen>.json`;
 * the highest generation is the current lease. Taking a free, released or
 * expired lease means creating the next generation with createIfAbsent, so
 * of two contenders exactly one wins — no compare-and-delete needed. The
 * holder renews by rewriting its own generation, and checks on renewal that
 * nobody has taken over (which only happens if it stalled past the TTL).
 * The same owner (a retried activity of the same run) re-enters at once.
 *
 * A holder that published needs no release write: the acquirer asks
 * `published(owner, partition, takenAt)` (did that run's manifests become the partition's
 * current ones?) and, if so, treats the lease as free. That saves a file
 * write per step; a lease whose holder failed or published nothing is still
 * released explicitly (or expires). Both times compared, the lease's
 * `takenAt` and the manifest's `publishedAt`, come from the holder's own
 * clock, so clocks of other machines do not enter the comparison.
 */
import { MateriaError } from "../../core";
import type { ObjectStore } from "../object-store";
import { partitionSegment } from "./layout";

export interface LeaseRecord {
  owner: string;
  expiresAt: number;
  released: boolean;
  /** When the owner took (or re-entered) this generation: only a publish after it finishes the holding. */
  takenAt?: number;
}

export class LeaseLostError extends MateriaError {
  constructor(key: string, owner: string) {
    super("LEASE_LOST", `Lost the lease on ${key} to ${owner} (this step stalled past the lease TTL); nothing was published.`, {
      hint: "The other run materializes this partition; retry later if needed.",
    });
  }
}

export interface LeaseOptions {
  ttlMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Called while waiting for another holder (heartbeat, log). */
  onWait?: (holder: string) => void;
  /** Debug lines with each decision: taken, re-entered, waiting for whom and until when, taken over from an expired holder. */
  log?: { debug(fields: object, message: string): void };
  /** The clock expiries are set and judged by (default: Date.now); tests pass their own. */
  now?: () => number;
  /**
   * Whether `owner` has published this step partition since `since` (epoch ms): its current manifests are that
   * run's, published after it took the lease. The lease is then free. (A retry that re-entered the lease after
   * its own earlier publish took it again later, so it still holds it.)
   */
  published?: (owner: string, partition: string | null, since: number) => Promise<boolean>;
}

const GENERATION_DIGITS = 10;

export class Lease {
  /** Set once a check saw another holder: nothing of ours is left to release. */
  private lost = false;
  /** Set once this holder's step published: the manifests release the lease (see the module comment). */
  private published = false;

  private constructor(
    private readonly store: ObjectStore,
    private readonly prefix: string,
    private readonly generation: number,
    readonly owner: string,
    private readonly ttlMs: number,
    /** The other owner this acquisition waited for, if any. */
    readonly waitedFor: string | undefined,
    private readonly now: () => number,
    private readonly takenAt: number,
  ) {}

  static async acquire(store: ObjectStore, step: string, partition: string | null, owner: string, options: LeaseOptions = {}): Promise<Lease> {
    const prefix = `locks/${step}/${partitionSegment(partition)}/`;
    const ttlMs = options.ttlMs ?? 60_000;
    const now = options.now ?? Date.now;
    let waitedFor: string | undefined;
    const log = options.log;
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
      const listed = await generations(store, prefix);
      const current = listed.at(-1);
      const record = current === undefined ? undefined : await store.getJson<LeaseRecord>(generationKey(prefix, current));
      const ours = record !== undefined && record.owner === owner && !record.released;
      const free = record === undefined || record.released || record.expiresAt < now() || (!ours && record.takenAt !== undefined && (await options.published?.(record.owner, partition, record.takenAt)) === true);
      if (ours) {
        log?.debug({ lease: prefix, generation: current }, "lease: re-entered our own lease (a retry of the same run)");
        const lease = new Lease(store, prefix, current!, owner, ttlMs, waitedFor, now, now());
        await lease.renew();
        return lease;
      }
      if (free) {
        const next = current === undefined ? 0 : current + 1;
        const takenAt = now();
        if (await store.createIfAbsent(generationKey(prefix, next), JSON.stringify({ owner, expiresAt: takenAt + ttlMs, released: false, takenAt } satisfies LeaseRecord))) {
          // Older generations are history now; removing them keeps listings short. (All of them: a holder that lost
          // its lease just as it released may have written its own generation back; see release.)
          if (listed.length > 0) await store.deleteMany(listed.map((generation) => generationKey(prefix, generation))).catch(() => undefined);
          const why =
            record === undefined ? "free" : record.released ? `released by ${record.owner}` : record.expiresAt < now() ? `expired (held by ${record.owner}, which stopped renewing it)` : `${record.owner} published`;
          log?.debug({ lease: prefix, generation: next, waitedFor }, `lease: taken (${why})`);
          return new Lease(store, prefix, next, owner, ttlMs, waitedFor, now, takenAt);
        }
        log?.debug({ lease: prefix, generation: next }, "lease: another contender created this generation first; looking again");
        continue;
      }
      if (waitedFor !== record.owner) log?.debug({ lease: prefix, holder: record.owner, expiresInMs: record.expiresAt - now() }, "lease: held by another run; waiting for it to publish or release");
      waitedFor = record.owner;
      options.onWait?.(record.owner);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
    }
  }

  /** Extend the lease; throws LeaseLostError when someone took over. */
  async renew(): Promise<void> {
    await this.assertHeld();
    await this.store.putJson(generationKey(this.prefix, this.generation), { owner: this.owner, expiresAt: this.now() + this.ttlMs, released: false, takenAt: this.takenAt } satisfies LeaseRecord);
  }

  async assertHeld(): Promise<void> {
    const current = (await generations(this.store, this.prefix)).at(-1);
    if (current !== this.generation) {
      this.lost = true;
      const holder = current === undefined ? "nobody" : ((await this.store.getJson<LeaseRecord>(generationKey(this.prefix, current)))?.owner ?? "unknown");
      throw new LeaseLostError(this.prefix, holder);
    }
  }

  /** The step published under this lease: its manifests now say the lease is free, so release() writes nothing. */
  markPublished(): void {
    this.published = true;
  }

  /**
   * Mark our generation released, without listing first: the step has just
   * checked it holds the lease (before publishing), and in the rare case that
   * it was taken over since, rewriting our older generation is harmless (the
   * highest generation is the lease) and the next taker deletes it.
   */
  async release(): Promise<void> {
    if (this.lost || this.published) return;
    await this.store.putJson(generationKey(this.prefix, this.generation), { owner: this.owner, expiresAt: 0, released: true } satisfies LeaseRecord);
  }
}

function generationKey(prefix: string, generation: number): string {
  return `${prefix}${String(generation).padStart(GENERATION_DIGITS, "0")}.json`;
}

/** The generations present, lowest first: the last is the lease. */
async function generations(store: ObjectStore, prefix: string): Promise<number[]> {
  return (await store.list(prefix)).map((object) => Number(object.key.slice(prefix.length, prefix.length + GENERATION_DIGITS)));
}
