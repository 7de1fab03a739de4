// A bounded ring of the most recent events (one per revision, contiguous) from which watches resume.
import type { StorageEvent } from './types.js';
import { horizon } from './write-plan.js';

/**
 * Holds the last `capacity` events. Invariants: events are pushed in strictly increasing, contiguous revision
 * order (every write has exactly one event), so the event for revision r sits at offset r - firstRevision;
 * the ring holds every event with revision > `completeAfter`.
 */
export class EventRing {
  private readonly buf: (StorageEvent | undefined)[];
  private start = 0;
  private length = 0;
  private after: number;

  /** `completeAfter`: the ring (though empty) holds every event after this revision (0 for a new store). */
  constructor(readonly capacity: number, completeAfter: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be >= 1, got ${capacity}`);
    this.buf = new Array<StorageEvent | undefined>(capacity);
    this.after = horizon(completeAfter);
  }

  /** Every event with revision > completeAfter is in the ring. */
  get completeAfter(): number {
    return this.after;
  }

  /** The number of events held. */
  get size(): number {
    return this.length;
  }

  private at(i: number): StorageEvent {
    const ev = this.buf[(this.start + i) % this.capacity];
    if (!ev) throw new Error('event ring corrupt: empty slot');
    return ev;
  }

  /** Appends the next event, evicting the oldest when full. */
  push(event: StorageEvent): void {
    if (this.length > 0 && event.revision !== this.at(this.length - 1).revision + 1) {
      throw new Error(`event ring: revision ${event.revision} does not follow ${this.at(this.length - 1).revision}`);
    }
    if (this.length === this.capacity) {
      this.after = horizon(this.at(0).revision);
      this.buf[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
      return;
    }
    this.buf[(this.start + this.length) % this.capacity] = event;
    this.length++;
  }

  /** Index of the first held event with revision > `revision`. */
  private indexAfter(revision: number): number {
    if (this.length === 0) return 0;
    const first = this.at(0).revision;
    return Math.min(this.length, Math.max(0, revision + 1 - first));
  }

  /**
   * The held events with revision > `revision` under `prefix`, oldest first (a copy).
   * The caller must have checked `revision >= completeAfter`; older ones may be missing.
   */
  since(revision: number, prefix: string): StorageEvent[] {
    const out: StorageEvent[] = [];
    for (let i = this.indexAfter(revision); i < this.length; i++) {
      const ev = this.at(i);
      if (ev.kv.key.startsWith(prefix)) out.push(ev);
    }
    return out;
  }

  /**
   * Whether any key under `prefix` changed after `revision`; undefined when the ring cannot tell
   * (revision older than `completeAfter`).
   */
  changedAfter(revision: number, prefix: string): boolean | undefined {
    if (revision < this.after) return undefined;
    for (let i = this.indexAfter(revision); i < this.length; i++) {
      if (this.at(i).kv.key.startsWith(prefix)) return true;
    }
    return false;
  }
}
