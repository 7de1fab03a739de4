// The bench's own view of a collection: a list, then a watch from it, re-listed when the watch expires.

import type { ResourceInfo } from '../apiserver/api/resources.js';
import { isExpired } from '../apiserver/api/status.js';
import type { Client, ListOptions } from '../controllers/runtime/index.js';

/**
 * A list then a watch of one collection, every object handed to `onObject` (a re-list after an expired watch hands
 * them again: handlers are idempotent). Streams that end are watched again from the last revision seen.
 */
export class Follow<T extends { metadata?: { resourceVersion?: string } }> {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  errors = 0;
  lastError: string | undefined;

  constructor(
    private readonly client: Client,
    private readonly r: ResourceInfo,
    private readonly opts: ListOptions,
    private readonly onObject: (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T) => void,
  ) {}

  /** Resolves once the initial list was handed over and the watch is being opened. */
  async start(): Promise<void> {
    const rv = await this.relist();
    this.loop = this.run(rv);
  }

  private async relist(): Promise<string> {
    const list = await this.client.listAll<T>(this.r, { ...this.opts, limit: 1000 });
    for (const o of list.items) this.onObject('ADDED', o);
    return list.metadata.resourceVersion ?? '';
  }

  private async run(from: string): Promise<void> {
    let rv = from;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        for await (const ev of this.client.watch<T>(this.r, { ...this.opts, resourceVersion: rv, allowWatchBookmarks: true }, signal)) {
          rv = ev.object.metadata?.resourceVersion ?? rv;
          if (ev.type !== 'BOOKMARK') this.onObject(ev.type, ev.object);
        }
      } catch (e) {
        if (signal.aborted) return;
        this.errors++;
        this.lastError = (e as Error).message;
        if (isExpired(e)) {
          rv = await this.relist().catch(() => rv);
          continue;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
