// Own writes not yet seen in the caches: an owner's next sync waits for them instead of acting on a stale view.

/** A cached object as far as expectations look at it. */
export interface Observed {
  metadata?: { uid?: string; resourceVersion?: string; deletionTimestamp?: string };
}

/**
 * How a write shows up in the cache: `seen` gets the cached object of that kind and key (or undefined) and the
 * resourceVersion the cache of that kind has caught up with ('' when unknown).
 */
export type Seen = (cached: Observed | undefined, cacheResourceVersion: string) => boolean;

interface Expectation {
  kind: string;
  key: string;
  seen: Seen;
  deadline: number;
}

const objectId = (kind: string, key: string): string => `${kind}|${key}`;

const rvNumber = (rv: string | undefined): number | undefined => (rv !== undefined && /^\d+$/.test(rv) ? Number(rv) : undefined);

/**
 * Per-owner writes awaiting their watch events (the owner is the key of the object whose sync wrote, e.g. a
 * StatefulSet or a DaemonSet), so that a sync never plans from a cache older than its own writes (a pod created
 * twice, deleted twice, a status computed from a stale revision).
 *
 * Assumptions / Invariants (after upstream's ControllerExpectations, kept per object rather than as counts so that
 * a missed watch event cannot leave an owner waiting): an expectation is met when the cache shows the write's
 * effect, and expires `ttlMs` after it was recorded, so a lost event can delay an owner but never stall it; the
 * owners awaiting an object are indexed by that object, so its cache changes can re-queue them.
 */
export class Expectations {
  private readonly byOwner = new Map<string, Expectation[]>();
  /** `kind|key` → owners awaiting that object. */
  private readonly byObject = new Map<string, Set<string>>();

  constructor(private readonly now: () => number, private readonly ttlMs = 15_000) {}

  /** The write of `owner` must show as the cached object of `kind` at `key` satisfying `seen`. */
  expect(owner: string, kind: string, key: string, seen: Seen): void {
    const list = this.byOwner.get(owner) ?? [];
    list.push({ kind, key, seen, deadline: this.now() + this.ttlMs });
    this.byOwner.set(owner, list);
    const id = objectId(kind, key);
    const owners = this.byObject.get(id) ?? new Set<string>();
    owners.add(owner);
    this.byObject.set(id, owners);
  }

  /**
   * The object now exists (any uid). With the `resourceVersion` the create answered with, it also counts as seen
   * once the cache has caught up with a resourceVersion at least that (kubeling's resourceVersions are one
   * increasing revision: the object came and went before the cache looked).
   */
  expectCreated(owner: string, kind: string, key: string, resourceVersion?: string): void {
    const created = rvNumber(resourceVersion);
    this.expect(owner, kind, key, (c, cacheRv) => {
      if (c !== undefined) return true;
      const caught = rvNumber(cacheRv);
      return created !== undefined && caught !== undefined && caught >= created;
    });
  }

  /** The object at `rv` with `uid` changed or went away (after an update or a delete). */
  expectChanged(owner: string, kind: string, key: string, was: Observed): void {
    const uid = was.metadata?.uid;
    const rv = was.metadata?.resourceVersion;
    this.expect(owner, kind, key, (c) => c === undefined || c.metadata?.uid !== uid || c.metadata?.resourceVersion !== rv);
  }

  /** The deleted object went away, was replaced by another uid, or shows a deletionTimestamp. */
  expectDeleted(owner: string, kind: string, key: string, was: Observed): void {
    const uid = was.metadata?.uid ?? '';
    this.expect(owner, kind, key, (c) => c === undefined || c.metadata?.uid !== uid || Boolean(c.metadata?.deletionTimestamp));
  }

  /**
   * How long `owner` must still wait (0 when nothing is pending). `lookup` reads the caches, `resourceVersion`
   * says what a kind's cache has caught up with; met and expired expectations are dropped.
   */
  pendingMs(owner: string, lookup: (kind: string, key: string) => Observed | undefined, resourceVersion: (kind: string) => string = () => ''): number {
    const list = this.byOwner.get(owner);
    if (!list) return 0;
    const now = this.now();
    const left: Expectation[] = [];
    const done: Expectation[] = [];
    for (const e of list) (e.deadline > now && !e.seen(lookup(e.kind, e.key), resourceVersion(e.kind)) ? left : done).push(e);
    this.unindex(owner, done, left);
    if (left.length === 0) {
      this.byOwner.delete(owner);
      return 0;
    }
    this.byOwner.set(owner, left);
    return Math.max(1, Math.min(...left.map((e) => e.deadline - now)));
  }

  /** The objects `owner` still awaits, as last checked (for logs and tests). */
  pending(owner: string): { kind: string; key: string }[] {
    return (this.byOwner.get(owner) ?? []).map(({ kind, key }) => ({ kind, key }));
  }

  /** The owners awaiting a change of this object. */
  waiting(kind: string, key: string): string[] {
    return [...(this.byObject.get(objectId(kind, key)) ?? [])];
  }

  /** Forgets an owner (deleted). */
  forget(owner: string): void {
    this.unindex(owner, this.byOwner.get(owner) ?? [], []);
    this.byOwner.delete(owner);
  }

  /** Drops `owner` from the index of each object in `dropped` that none of `remaining` still awaits. */
  private unindex(owner: string, dropped: readonly Expectation[], remaining: readonly Expectation[]): void {
    if (dropped.length === 0) return;
    const still = new Set(remaining.map((x) => objectId(x.kind, x.key)));
    for (const e of dropped) {
      const id = objectId(e.kind, e.key);
      const owners = this.byObject.get(id);
      if (!owners || still.has(id)) continue;
      owners.delete(owner);
      if (owners.size === 0) this.byObject.delete(id);
    }
  }
}
