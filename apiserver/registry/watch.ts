// Watch events of one resource: stored changes decoded at most once, and the event type each filtered watcher sees.

import type { ResourceInfo } from '../api/resources.js';
import { groupVersion } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { KV, StorageEvent } from '../storage/types.js';
import { decode, textOf, withResourceVersion } from './codec.js';

/** The types of object events a watcher receives (BOOKMARK and ERROR are the server's own). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One object as a watch event carries it, shared by every watcher that receives it: decoded lazily and once, its
 * JSON text built once, and `encoded` where the server keeps each distinct serialisation of the event (so a
 * thousand watchers cost one serialisation, not a thousand). Shared: never mutate `object`.
 */
export interface WatchItem {
  readonly revision: number;
  readonly object: KObject;
  /** The object's JSON text, with its resourceVersion. */
  text(): string;
  /** Serialised event lines by encoding key (filled by the server). */
  readonly encoded: Map<string, Buffer>;
}

/** A stored value seen at a revision, decoded only when someone looks at it. */
export class StoredItem implements WatchItem {
  private obj: KObject | undefined;
  private json: string | undefined;
  readonly encoded = new Map<string, Buffer>();

  constructor(
    private readonly r: ResourceInfo,
    private readonly value: Uint8Array,
    readonly revision: number,
    decoded?: KObject,
  ) {
    this.obj = decoded;
  }

  get object(): KObject {
    if (this.obj === undefined) {
      const o = decode(this.value, this.revision);
      if (o.apiVersion === undefined) o.apiVersion = groupVersion(this.r);
      if (o.kind === undefined) o.kind = this.r.kind;
      this.obj = o;
    }
    return this.obj;
  }

  /** Drops the decoded object and the encodings (the value stays): called once a change has been fanned out. */
  release(): void {
    this.obj = undefined;
    this.json = undefined;
    this.encoded.clear();
  }

  text(): string {
    if (this.json === undefined) {
      const stored = textOf(this.value);
      // Stored text starts with apiVersion and kind (codec.encodeText); anything else is re-serialised whole.
      this.json = stored.startsWith('{"apiVersion":') ? withResourceVersion(stored, this.revision) : JSON.stringify(this.object);
    }
    return this.json;
  }
}

/** A storage change with its states as watch items (the object after, and before, the change). */
export class DecodedEvent {
  /** The state after the change; for a delete, the last state at the delete's revision. */
  readonly current: StoredItem;
  private before: StoredItem | undefined;

  constructor(
    private readonly r: ResourceInfo,
    readonly ev: StorageEvent,
  ) {
    this.current = new StoredItem(r, ev.kv.value, ev.type === 'delete' ? ev.revision : ev.kv.modRevision);
  }

  get revision(): number {
    return this.ev.revision;
  }

  get key(): string {
    return this.ev.kv.key;
  }

  /** Frees what fan-out built (decoded objects, encodings); replays from the ring rebuild them. */
  release(): void {
    this.current.release();
    this.before?.release();
  }

  /** The state before an update, stamped with this event's revision (what a watcher leaving the selector gets). */
  get previous(): StoredItem | undefined {
    const prev = this.ev.prev;
    if (!prev || this.ev.type !== 'update') return undefined;
    this.before ??= new StoredItem(this.r, prev.value, this.ev.revision);
    return this.before;
  }
}

const decodedEvents = new WeakMap<StorageEvent, DecodedEvent>();

/** The one DecodedEvent of a storage event (the same object for every watcher handed the same event). */
export function decodedEvent(r: ResourceInfo, ev: StorageEvent): DecodedEvent {
  let d = decodedEvents.get(ev);
  if (!d) {
    d = new DecodedEvent(r, ev);
    decodedEvents.set(ev, d);
  }
  return d;
}

/** A listed object as an initial ADDED item. */
export function listedItem(r: ResourceInfo, kv: KV, decoded?: KObject): WatchItem {
  return new StoredItem(r, kv.value, kv.modRevision, decoded);
}

/**
 * What a watcher with `predicate` sees of a change (upstream cacheWatcher.convertToWatchEvent): a change that
 * enters the selection is ADDED, one that leaves it is DELETED with the previous state at the new
 * resourceVersion, one inside it is MODIFIED, and anything outside it is nothing.
 */
export function classify(d: DecodedEvent, predicate: ((o: KObject) => boolean) | undefined): { type: WatchEventType; item: WatchItem } | undefined {
  const type = d.ev.type;
  if (type === 'delete') return !predicate || predicate(d.current.object) ? { type: 'DELETED', item: d.current } : undefined;
  const prev = d.previous;
  if (!predicate) return { type: prev ? 'MODIFIED' : 'ADDED', item: d.current };
  const curOk = predicate(d.current.object);
  if (!prev) return curOk ? { type: 'ADDED', item: d.current } : undefined;
  const prevOk = predicate(prev.object);
  if (curOk) return { type: prevOk ? 'MODIFIED' : 'ADDED', item: d.current };
  return prevOk ? { type: 'DELETED', item: prev } : undefined;
}
