// A watch of the pods of one label selector, recorded as an ordered timeline: created, Ready, terminating, gone.

import { R } from '../../apiserver/api/resources.js';
import type { Pod } from '../../apiserver/api/types.js';
import { Client, loadKubeconfig } from '../../controllers/runtime/index.js';

/** One moment of a pod's life as the watch saw it. */
export interface Moment {
  what: 'created' | 'ready' | 'terminating' | 'gone';
  pod: string;
  uid: string;
  image: string;
}

const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Records, in watch order, when each pod (by uid) is first seen, first Ready, first terminating and deleted. Starts
 * from a list, so pods already present are "created" at the start.
 */
export class PodTimeline {
  readonly moments: Moment[] = [];
  private readonly seen = new Map<string, Set<Moment['what']>>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  private constructor(private readonly client: Client, private readonly labelSelector: string) {}

  /** Starts watching pods of `labelSelector` in `default` of the cluster in `kubeconfig`. */
  static async start(kubeconfig: string, labelSelector: string): Promise<PodTimeline> {
    const t = new PodTimeline(new Client(await loadKubeconfig(kubeconfig)), labelSelector);
    const list = await t.client.list<Pod>(R.pods, { namespace: 'default', labelSelector });
    for (const p of list.items) t.note('ADDED', p);
    t.loop = t.run(list.metadata.resourceVersion ?? '');
    return t;
  }

  private async run(from: string): Promise<void> {
    let rv = from;
    while (!this.abort.signal.aborted) {
      try {
        for await (const ev of this.client.watch<Pod>(R.pods, { namespace: 'default', labelSelector: this.labelSelector, resourceVersion: rv, allowWatchBookmarks: true }, this.abort.signal)) {
          rv = ev.object.metadata?.resourceVersion ?? rv;
          if (ev.type !== 'BOOKMARK') this.note(ev.type, ev.object);
        }
      } catch {
        if (this.abort.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private note(type: string, p: Pod): void {
    const uid = p.metadata?.uid ?? '';
    const had = this.seen.get(uid) ?? new Set();
    this.seen.set(uid, had);
    const add = (what: Moment['what']): void => {
      if (had.has(what)) return;
      had.add(what);
      this.moments.push({ what, pod: p.metadata?.name ?? '', uid, image: p.spec?.containers[0]?.image ?? '' });
    };
    add('created');
    if (type === 'DELETED') return add('gone');
    if (isReady(p) && !p.metadata?.deletionTimestamp) add('ready');
    if (p.metadata?.deletionTimestamp) add('terminating');
  }

  /** Moments recorded from index `from` on, as `what pod` strings (e.g. `created mysql-0`), optionally filtered. */
  since(from: number, what?: ReadonlyArray<Moment['what']>): string[] {
    return this.moments.slice(from).filter((m) => !what || what.includes(m.what)).map((m) => `${m.what} ${m.pod}`);
  }

  /** Stops the watch. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.client.close();
  }
}
