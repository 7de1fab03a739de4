// Watch fan-out: every committed event goes to the bounded queue of each watcher whose prefix matches.
import { StorageError } from './types.js';
import type { StorageEvent } from './types.js';

/** Backends expose how many watchers are registered, so tests can check that an ended watch is freed. */
export interface WatcherCount {
  watcherCount(): number;
}

/** What a new watcher needs: its prefix, where it starts, and the history to replay before live events. */
export interface SubscribeOptions {
  prefix: string;
  /** Deliver only events with revision > after. */
  after: number;
  signal: AbortSignal;
  /**
   * Events after `after` up to the revision committed at subscription time, oldest first, prefix-filtered.
   * Live events are those published after `subscribe` returns; together they have no gap.
   */
  replay?: AsyncIterable<StorageEvent> | Iterable<StorageEvent>;
}

/**
 * Invariants: `publish` is called once per committed event in revision order, synchronously with the
 * commit (no await between a commit and its publish), so a watcher registered in between sees exactly the
 * events after the committed revision it replayed up to. Publishing never blocks: a watcher whose queue
 * reaches `queueLimit` is ended with TooSlow and its queue dropped.
 */
export class WatchHub {
  private readonly streams = new Set<WatchStream>();

  constructor(private readonly queueLimit: number) {
    if (!Number.isSafeInteger(queueLimit) || queueLimit < 1) throw new RangeError(`watch queue limit must be >= 1`);
  }

  /** The number of live watchers (for tests and metrics). */
  get watcherCount(): number {
    return this.streams.size;
  }

  /** Registers a watcher now; see {@link SubscribeOptions}. Iteration ends when the signal aborts. */
  subscribe(opts: SubscribeOptions): AsyncIterableIterator<StorageEvent> {
    const stream = new WatchStream(opts, this.queueLimit, (s) => this.streams.delete(s));
    if (!opts.signal.aborted) this.streams.add(stream);
    return stream;
  }

  /** Hands one committed event to every matching watcher. */
  publish(event: StorageEvent): void {
    const key = event.kv.key;
    for (const s of this.streams) if (key.startsWith(s.prefix)) s.offer(event);
  }

  /** Ends every watcher with `error` (e.g. Closed). */
  close(error: Error): void {
    for (const s of [...this.streams]) s.end(error);
  }
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** One watcher: replay first, then its live queue; pull-based, ended by abort, TooSlow, close or return(). */
class WatchStream implements AsyncIterableIterator<StorageEvent> {
  readonly prefix: string;
  private queue: (StorageEvent | undefined)[] = [];
  private head = 0;
  private replay: AsyncIterator<StorageEvent> | Iterator<StorageEvent> | undefined;
  private last: number;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private interrupt: (() => void) | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly onAbort = (): void => this.end();

  constructor(
    private readonly opts: SubscribeOptions,
    private readonly limit: number,
    private readonly onEnd: (s: WatchStream) => void,
  ) {
    this.prefix = opts.prefix;
    this.last = opts.after;
    const r = opts.replay;
    if (r) this.replay = Symbol.asyncIterator in r ? r[Symbol.asyncIterator]() : r[Symbol.iterator]();
    if (opts.signal.aborted) this.end();
    else opts.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StorageEvent> {
    return this;
  }

  /** Queues a live event; ends the watcher with TooSlow instead of growing past the limit. */
  offer(event: StorageEvent): void {
    if (this.ended) return;
    if (this.queue.length - this.head >= this.limit) {
      this.end(new StorageError('TooSlow', this.prefix, `watch on ${this.prefix} fell ${this.limit} events behind`));
      return;
    }
    this.queue.push(event);
    this.wake?.();
  }

  /** Ends the stream: frees the queue, unregisters, closes the replay source, wakes a pending next(). */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.queue = [];
    this.head = 0;
    this.onEnd(this);
    this.opts.signal.removeEventListener('abort', this.onAbort);
    const replay = this.replay;
    this.replay = undefined;
    if (replay?.return) void Promise.resolve(replay.return()).catch(() => undefined);
    this.interrupt?.();
    this.wake?.();
  }

  next(): Promise<IteratorResult<StorageEvent>> {
    const result = this.chain.then(() => this.pull());
    this.chain = result.catch(() => undefined);
    return result;
  }

  return(): Promise<IteratorResult<StorageEvent>> {
    this.end();
    return Promise.resolve(DONE);
  }

  private async pull(): Promise<IteratorResult<StorageEvent>> {
    for (;;) {
      if (this.ended) return this.finish();
      const ev = this.replay ? await this.pullReplay() : this.shift();
      if (ev === null) continue;
      if (ev) {
        if (ev.revision <= this.last) continue; // never a duplicate, never older than asked for
        this.last = ev.revision;
        return { done: false, value: ev };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** The next replayed event; null when replay is exhausted (or the stream ended meanwhile). */
  private async pullReplay(): Promise<StorageEvent | null> {
    const replay = this.replay;
    if (!replay) return null;
    let r: IteratorResult<StorageEvent> | undefined;
    try {
      const step = replay.next();
      // An async step (a disk read) can be interrupted by end(), so an abort never waits for the disk.
      r = step instanceof Promise ? await new Promise((resolve, reject) => {
        this.interrupt = () => resolve(undefined);
        step.then(resolve, reject);
      }) : step;
    } catch (err) {
      this.end(err instanceof Error ? err : new Error(String(err)));
      return null;
    } finally {
      this.interrupt = undefined;
    }
    if (this.ended || !r) return null;
    if (r.done) {
      this.replay = undefined;
      return null;
    }
    return r.value;
  }

  private shift(): StorageEvent | undefined {
    if (this.head >= this.queue.length) return undefined;
    const ev = this.queue[this.head];
    this.queue[this.head++] = undefined; // let the event be collected
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return ev;
  }

  /** After the end: throw the failure once, then report done. */
  private finish(): IteratorResult<StorageEvent> {
    const err = this.failure;
    this.failure = undefined;
    if (err) throw err;
    return DONE;
  }
}
