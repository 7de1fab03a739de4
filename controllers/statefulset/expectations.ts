// Own writes not yet seen in the caches: a set's next sync waits for them instead of acting on a stale view.

/** A cached object as far as expectations look at it. */
export interface Observed {
  metadata?: { uid?: string; resourceVersion?: string };
}

/** How a write shows up in the cache: `seen(cached)` gets the cached object of that kind and key (or undefined). */
interface Expectation {
  kind: string;
  key: string;
  seen: (cached: Observed | undefined) => boolean;
  deadline: number;
}

/**
 * Per-set writes awaiting their watch events, so that a sync never plans from a cache older than its own writes (a pod
 * created twice, deleted twice, a status computed from a stale currentRevision).
 * Assumptions / Invariants (after upstream's ControllerExpectations, which the StatefulSet controller itself does not
 * use): an expectation is met when the cache shows the write's effect, and expires after `ttlMs` so a lost event can
 * delay a set but never stall it; each cache change of an awaited object re-queues its set.
 */
export class Expectations {
  private readonly bySet = new Map<string, Expectation[]>();
  /** `kind|key` → sets awaiting that object. */
  private readonly byObject = new Map<string, Set<string>>();

  constructor(private readonly now: () => number, private readonly ttlMs = 15_000) {}

  /** The write must show as `cached` objects of `kind` at `key` satisfying `seen`. */
  expect(setKey: string, kind: string, key: string, seen: (cached: Observed | undefined) => boolean): void {
    const list = this.bySet.get(setKey) ?? [];
    list.push({ kind, key, seen, deadline: this.now() + this.ttlMs });
    this.bySet.set(setKey, list);
    const id = `${kind}|${key}`;
    const sets = this.byObject.get(id) ?? new Set<string>();
    sets.add(setKey);
    this.byObject.set(id, sets);
  }

  /** The object now exists (any uid). */
  expectCreated(setKey: string, kind: string, key: string): void {
    this.expect(setKey, kind, key, (c) => c !== undefined);
  }

  /** The object at `rv` with `uid` changed or went away (after an update or a delete). */
  expectChanged(setKey: string, kind: string, key: string, was: Observed): void {
    const uid = was.metadata?.uid;
    const rv = was.metadata?.resourceVersion;
    this.expect(setKey, kind, key, (c) => c === undefined || c.metadata?.uid !== uid || c.metadata?.resourceVersion !== rv);
  }

  /**
   * How long the set must still wait (0 when nothing is pending). `lookup` reads the caches; met and expired
   * expectations are dropped.
   */
  pendingMs(setKey: string, lookup: (kind: string, key: string) => Observed | undefined): number {
    const list = this.bySet.get(setKey);
    if (!list) return 0;
    const now = this.now();
    const left = list.filter((e) => e.deadline > now && !e.seen(lookup(e.kind, e.key)));
    for (const e of list) if (!left.includes(e)) this.unindex(setKey, e, left);
    if (left.length === 0) {
      this.bySet.delete(setKey);
      return 0;
    }
    this.bySet.set(setKey, left);
    return Math.max(1, Math.min(...left.map((e) => e.deadline - now)));
  }

  /** The sets awaiting a change of this object. */
  waiting(kind: string, key: string): string[] {
    return [...(this.byObject.get(`${kind}|${key}`) ?? [])];
  }

  /** Forgets a set (deleted). */
  forget(setKey: string): void {
    for (const e of this.bySet.get(setKey) ?? []) this.unindex(setKey, e, []);
    this.bySet.delete(setKey);
  }

  /** Drops `e` from the object index unless one of `remaining` still awaits the same object. */
  private unindex(setKey: string, e: Expectation, remaining: readonly Expectation[]): void {
    const id = `${e.kind}|${e.key}`;
    const sets = this.byObject.get(id);
    if (!sets) return;
    if (remaining.some((x) => x.kind === e.kind && x.key === e.key)) return;
    sets.delete(setKey);
    if (sets.size === 0) this.byObject.delete(id);
  }
}
