// A scriptable in-memory stand-in for the Client's listAll and watch, for informer and controller unit tests.

import { expired } from '../../apiserver/api/status.js';
import type { KList, KObject } from '../../apiserver/api/types.js';
import type { Client } from './client.js';
import { keyOf } from './keys.js';
import type { WatchEvent } from './watch.js';
import type { WorkQueue } from './workqueue.js';

type Item = WatchEvent<KObject> | { error: unknown } | { end: true };

/** One open watch: a channel the test pushes events (or an end or error) into. */
class Stream {
  private readonly items: Item[] = [];
  private wake: (() => void) | undefined;
  constructor(readonly resourceVersion: string | undefined) {}
  push(i: Item): void {
    this.items.push(i);
    this.wake?.();
  }
  async *events(signal: AbortSignal): AsyncGenerator<WatchEvent<KObject>> {
    const onAbort = (): void => this.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal.aborted) return;
        const next = this.items.shift();
        if (!next) {
          await new Promise<void>((r) => (this.wake = r));
          continue;
        }
        if ('error' in next) throw next.error;
        if ('end' in next) return;
        yield next;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** The server side: objects, a revision counter, open watches; counts lists and watches. */
export class FakeApi {
  readonly objects = new Map<string, KObject>();
  rev = 10;
  lists = 0;
  watches: Stream[] = [];
  /** The oldest revision a watch may start from; older → 410 as an ERROR event. */
  oldest = 0;

  obj(name: string, extra: Record<string, unknown> = {}, namespace = 'ns'): KObject {
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, resourceVersion: String(++this.rev) }, ...extra };
  }

  /** Writes an object server-side and tells open watches. */
  put(o: KObject): KObject {
    const type = this.objects.has(keyOf(o)) ? 'MODIFIED' : 'ADDED';
    this.objects.set(keyOf(o), o);
    for (const w of this.watches) w.push({ type, object: o });
    return o;
  }

  remove(key: string): void {
    const o = this.objects.get(key);
    if (!o) return;
    this.objects.delete(key);
    const gone = { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.rev) } };
    for (const w of this.watches) w.push({ type: 'DELETED', object: gone });
  }

  get last(): Stream {
    return this.watches[this.watches.length - 1]!;
  }

  /** A Client whose listAll and watch are served by this fake. */
  client(): Client {
    const api = this;
    const fake = {
      async listAll(): Promise<KList<KObject>> {
        api.lists++;
        return { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: String(api.rev) }, items: [...api.objects.values()] };
      },
      watch(_r: unknown, opts: { resourceVersion?: string }, signal: AbortSignal): AsyncIterable<WatchEvent<KObject>> {
        const s = new Stream(opts.resourceVersion);
        api.watches.push(s);
        if (Number(opts.resourceVersion ?? 0) < api.oldest) s.push({ error: expired(`too old resource version: ${opts.resourceVersion} (${api.oldest})`) });
        return s.events(signal);
      },
    };
    return fake as unknown as Client;
  }
}

/** Lets pending promise callbacks run. */
export async function settle(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setImmediate(r));
}

/** Takes every key waiting on a work queue off it (each marked done), sorted. */
export async function drainQueue(q: WorkQueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.len() > 0) {
    const k = (await q.get())!;
    q.done(k);
    out.push(k);
  }
  return out.sort();
}
