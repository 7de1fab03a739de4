// Group commit: serialises writes, assigns revisions, and makes each group durable with one atomic batch.
import type { KV, StorageEvent } from './types.js';
import { planWrite } from './write-plan.js';
import type { WriteOp } from './write-plan.js';

/** What the committer needs from its backend. */
export interface GroupCommitDeps {
  /** The committed (visible) state of a key. */
  committed(key: string): KV | undefined;
  /** The committed revision. */
  committedRevision(): number;
  /** Writes one group durably and atomically (all or nothing); rejects if it could not. */
  persist(events: readonly StorageEvent[]): Promise<void>;
  /** Makes a durable group visible (index, history, watchers), in revision order; must not throw. */
  apply(events: readonly StorageEvent[]): void;
}

interface Pending {
  event: StorageEvent;
  resolve: (kv: KV) => void;
  reject: (err: unknown) => void;
}

/**
 * Invariants (kine / etcd-style single writer, with group commit as in database WALs):
 * - One writer at a time: `submit` checks the precondition and takes revision `assigned + 1` synchronously,
 *   against committed state overlaid with every accepted-but-not-yet-durable write (`overlay`), so
 *   preconditions and revisions are exactly those of a serial execution in submission order.
 * - At most one `persist` is in flight. Writes submitted meanwhile wait in `pending` and form the next
 *   group, started as soon as the current one is visible (before its writers are answered). A group started
 *   from idle waits for the next turn of the event loop, to gather stragglers.
 * - A group becomes visible only after `persist` resolves: `apply` runs in revision order, then the
 *   writers' promises resolve. Readers and watchers therefore never see a write that is not durable.
 * - A failed group left nothing on disk (the batch is atomic). Its writers, and the pending writers that
 *   were planned on top of it, are rejected; the overlay is cleared and `assigned` returns to the committed
 *   revision. Their revisions are reused by later writes: no gap is ever visible to a reader or watcher.
 */
export class GroupCommitter {
  private readonly overlay = new Map<string, { kv: KV | undefined; revision: number }>();
  private pending: Pending[] = [];
  private inFlight = false;
  private scheduled = false;
  private assigned: number;
  private idleWaiters: (() => void)[] = [];
  private visibleWaiters: Array<{ revision: number; done: () => void }> = [];

  constructor(private readonly deps: GroupCommitDeps) {
    this.assigned = deps.committedRevision();
  }

  /**
   * Accepts a write and resolves with its KV once durable. A precondition failure caused by a write that is not
   * durable yet is reported only once that write is visible: a caller that re-reads and retries then sees the state
   * that made it fail (otherwise a read-modify-write retry loop would spin on stale committed state).
   */
  submit(op: WriteOp): Promise<KV> {
    let event: StorageEvent;
    try {
      event = planWrite(op, this.latest(op.key), this.assigned + 1);
    } catch (err) {
      const pending = this.overlay.get(op.key);
      if (!pending) throw err;
      return new Promise<KV>((_resolve, reject) => this.visibleWaiters.push({ revision: pending.revision, done: () => reject(err) }));
    }
    this.assigned = event.revision;
    this.overlay.set(op.key, { kv: event.type === 'delete' ? undefined : event.kv, revision: event.revision });
    return new Promise<KV>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every accepted write has been committed or rejected. */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The key's state as of the latest accepted write. */
  private latest(key: string): KV | undefined {
    const o = this.overlay.get(key);
    return o ? o.kv : this.deps.committed(key);
  }

  private idle(): boolean {
    return !this.inFlight && !this.scheduled && this.pending.length === 0;
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    if (group.length > 0) {
      this.inFlight = true;
      const events = group.map((p) => p.event);
      let failure: { err: unknown } | undefined;
      try {
        await this.deps.persist(events);
      } catch (err) {
        failure = { err };
      }
      this.inFlight = false;
      if (!failure) return this.commit(group, events);
      this.fail(group, failure.err);
    }
    if (this.pending.length > 0) this.schedule();
    else this.wakeIfIdle();
  }

  /**
   * Makes a durable group visible, then starts the next group (the writes that arrived meanwhile) before this one's
   * writers hear back: answering a group takes the event loop a while, and the next write should not wait for it.
   */
  private commit(group: Pending[], events: StorageEvent[]): void {
    for (const { event } of group) {
      const o = this.overlay.get(event.kv.key);
      if (o && o.revision === event.revision) this.overlay.delete(event.kv.key);
    }
    this.deps.apply(events);
    if (this.pending.length > 0) void this.flush();
    for (const p of group) p.resolve(p.event.kv);
    this.wakeVisible(this.deps.committedRevision());
    this.wakeIfIdle();
  }

  /** Resolves the `drain` callers once nothing is pending, scheduled or in flight. */
  private wakeIfIdle(): void {
    if (this.idle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private wakeVisible(committed: number): void {
    if (this.visibleWaiters.length === 0) return;
    const still: Array<{ revision: number; done: () => void }> = [];
    for (const w of this.visibleWaiters) (w.revision <= committed ? w.done() : still.push(w));
    this.visibleWaiters = still;
  }

  private fail(group: Pending[], err: unknown): void {
    const rejected = group.concat(this.pending);
    this.pending = [];
    this.overlay.clear();
    this.assigned = this.deps.committedRevision();
    for (const p of rejected) p.reject(err);
    this.wakeVisible(Infinity);
  }
}
