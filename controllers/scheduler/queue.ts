// The scheduling queue: active pods by priority then arrival, back-off after failures, and the unschedulable pool.

import type { Clock } from '../runtime/index.js';

/** Where a queued pod is: in the active heap, backing off, in the unschedulable pool, or popped (being scheduled). */
type Location = 'active' | 'backoff' | 'unschedulable' | 'popped';

/** A queued pod, by key (`namespace/name`). */
interface Entry {
  key: string;
  where: Location;
  /** Its index in the active heap while `where` is 'active'. */
  index: number;
  priority: number;
  /** When it (last) entered the active queue: FIFO among equal priorities. */
  seq: number;
  attempts: number;
  /** ms: when its back-off ends. */
  backoffUntil: number;
  /** ms: when it was moved to the unschedulable pool. */
  unschedulableSince?: number;
}

/** Back-off after the n-th failed attempt: 1 s doubling, at most 10 s (upstream podInitialBackoff/podMaxBackoff). */
export function backoffMs(attempts: number, initialMs = 1000, maxMs = 10_000): number {
  if (attempts <= 0) return 0;
  return Math.min(maxMs, initialMs * 2 ** (attempts - 1));
}

/**
 * Assumptions / Invariants (upstream internal/queue/scheduling_queue.go, PrioritySort): a pod is in at most one of
 * active, back-off or unschedulable; `pop` gives the highest priority first, then the earliest arrival; a pod that
 * failed goes to the unschedulable pool and returns (via back-off: 1 s doubling to 10 s per attempt) when the
 * cluster changes in a way that may help (`moveAllToActive`) or after 5 minutes (`flushUnschedulable`); a pod added
 * or updated while queued is not duplicated; only `add` (a change that may help) takes a pod out of the pool. Each entry records where it is (and its heap index while active), so
 * `add`, `delete` and `failed` touch only that part: O(log n) in the active heap.
 */
export class SchedulingQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly active: Entry[] = [];
  private readonly backoff = new Set<Entry>();
  private readonly unschedulable = new Set<Entry>();
  private seq = 0;
  private waiters: Array<(key: string | undefined) => void> = [];
  private timer: unknown;
  private closed = false;

  constructor(private readonly clock: Clock, private readonly opts: { initialBackoffMs?: number; maxBackoffMs?: number; unschedulableTimeoutMs?: number } = {}) {}

  /** A new or changed pod to schedule (kept where it is if already queued; its priority is updated). */
  add(key: string, priority: number): void {
    const e = this.entries.get(key);
    if (e) {
      e.priority = priority;
      if (e.where === 'unschedulable') this.moveToBackoffOrActive(e);
      else if (e.where === 'active') this.fix(e.index);
      return;
    }
    const entry = this.newEntry(key, priority);
    this.entries.set(key, entry);
    this.pushActive(entry);
  }

  /**
   * A queued pod updated without a change that could help it (upstream Update when !isPodUpdated, e.g. a status
   * post): its priority is refreshed but it stays where it is, in the unschedulable pool too; an unknown pod is added.
   */
  update(key: string, priority: number): void {
    const e = this.entries.get(key);
    if (!e) return this.add(key, priority);
    e.priority = priority;
    if (e.where === 'active') this.fix(e.index);
  }

  /** Forgets a pod (deleted, bound, or no longer ours). */
  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.detach(e);
  }

  /** The failed attempt of a popped pod: into the unschedulable pool (or straight to back-off when `retry`). */
  failed(key: string, priority: number, retry = false): void {
    const e = this.entries.get(key) ?? this.newEntry(key, priority);
    this.entries.set(key, e);
    this.detach(e);
    e.priority = priority;
    e.attempts++;
    e.backoffUntil = this.clock.now() + backoffMs(e.attempts, this.opts.initialBackoffMs, this.opts.maxBackoffMs);
    if (retry) this.moveToBackoffOrActive(e);
    else {
      e.unschedulableSince = this.clock.now();
      e.where = 'unschedulable';
      this.unschedulable.add(e);
    }
  }

  /** The cluster changed in a way that may help: every unschedulable pod goes back (after its back-off). */
  moveAllToActive(): void {
    for (const e of [...this.unschedulable]) this.moveToBackoffOrActive(e);
  }

  /** Pods unschedulable for longer than the timeout (5 min) go back, as upstream's periodic flush. */
  flushUnschedulable(): void {
    const limit = this.opts.unschedulableTimeoutMs ?? 5 * 60_000;
    const now = this.clock.now();
    for (const e of [...this.unschedulable]) if (now - (e.unschedulableSince ?? now) >= limit) this.moveToBackoffOrActive(e);
  }

  /** The next pod to schedule; waits when none is active; undefined once closed. */
  pop(): Promise<string | undefined> {
    const e = this.popActive();
    if (e) return Promise.resolve(e.key);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sizes of the three parts, for tests and logs. */
  sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.length, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** Ends every waiting pop. */
  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private newEntry(key: string, priority: number): Entry {
    return { key, where: 'popped', index: -1, priority, seq: this.seq++, attempts: 0, backoffUntil: 0 };
  }

  /** Takes an entry out of wherever it is (it is then 'popped': held by no part of the queue). */
  private detach(e: Entry): void {
    switch (e.where) {
      case 'active':
        this.removeActive(e.index);
        break;
      case 'backoff':
        this.backoff.delete(e);
        break;
      case 'unschedulable':
        this.unschedulable.delete(e);
        break;
      case 'popped':
        break;
    }
    e.where = 'popped';
  }

  private moveToBackoffOrActive(e: Entry): void {
    this.detach(e);
    e.unschedulableSince = undefined;
    if (e.backoffUntil > this.clock.now()) {
      e.where = 'backoff';
      this.backoff.add(e);
      this.armBackoff();
    } else {
      e.seq = this.seq++;
      this.pushActive(e);
    }
  }

  private armBackoff(): void {
    let next = Infinity;
    for (const e of this.backoff) next = Math.min(next, e.backoffUntil);
    if (next === Infinity) return;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      const now = this.clock.now();
      for (const e of [...this.backoff]) {
        if (e.backoffUntil > now) continue;
        this.backoff.delete(e);
        e.where = 'popped';
        e.seq = this.seq++;
        this.pushActive(e);
      }
      this.armBackoff();
    }, Math.max(0, next - this.clock.now()));
  }

  private pushActive(e: Entry): void {
    const w = this.waiters.shift();
    if (w) {
      w(e.key);
      return;
    }
    e.where = 'active';
    e.index = this.active.length;
    this.active.push(e);
    this.siftUp(e.index);
  }

  private popActive(): Entry | undefined {
    if (this.active.length === 0) return undefined;
    const top = this.active[0]!;
    this.removeActive(0);
    top.where = 'popped';
    return top;
  }

  /** Removes the heap element at `i`: the last element takes its place and is sifted to where it belongs. */
  private removeActive(i: number): void {
    const a = this.active;
    const last = a.pop()!;
    if (i < a.length) {
      a[i] = last;
      last.index = i;
      this.fix(i);
    }
  }

  /** Restores the heap order around `i` after its element changed. */
  private fix(i: number): void {
    if (!this.siftUp(i)) this.siftDown(i);
  }

  private swap(i: number, j: number): void {
    const a = this.active;
    [a[i], a[j]] = [a[j]!, a[i]!];
    a[i]!.index = i;
    a[j]!.index = j;
  }

  private less(x: Entry, y: Entry): boolean {
    return x.priority !== y.priority ? x.priority > y.priority : x.seq < y.seq;
  }

  /** Moves the element at `i` up while it sorts before its parent; true when it moved. */
  private siftUp(i: number): boolean {
    const a = this.active;
    const start = i;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      this.swap(i, p);
      i = p;
    }
    return i !== start;
  }

  private siftDown(i: number): void {
    const a = this.active;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
