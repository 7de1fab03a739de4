// Create requests prepared off the event loop: decoding, defaults, admission, validation and serialization of a create
// run on worker threads, so the main thread keeps to HTTP and storage. Inline when no worker is up.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as S from '../api/status.js';
import type { PriorityClassRef } from '../registry/admission.js';
import { AccountCache } from '../registry/admission-inputs.js';
import { prepareCreateRequest, type CreateOutcome, type CreateRequest } from './create-prepare.js';

/** Prepares create requests (see prepareCreateRequest), here or elsewhere. */
export interface CreatePreparer {
  prepare(req: CreateRequest): Promise<CreateOutcome>;
  /** Worker threads running, and those of them ready for work (0 and 0 inline). */
  workers(): { live: number; ready: number };
  close(): Promise<void>;
}

/**
 * A request as posted to a worker, in batches: a flat tuple (about half the cost of nested objects to clone), the
 * body as a latin1 string (a plain copy, cheaper than a transfer).
 */
export type WorkerRequest = [
  id: number,
  group: string,
  plural: string,
  namespace: string | undefined,
  contentType: string | undefined,
  fieldValidation: CreateRequest['fieldValidation'],
  now: number,
  uid: string,
  accountName: string | undefined,
  accountText: string | undefined,
  accountRevision: number | undefined,
  priorityClasses: PriorityClassTuple[] | undefined,
  defaultStorageClass: string | undefined,
  body: string,
];

/** A PriorityClassRef as posted: name, value, preemptionPolicy, globalDefault. */
export type PriorityClassTuple = [name: string, value: number, preemptionPolicy: string | undefined, globalDefault: boolean];

/** The message for request `id`. */
export function toWorkerRequest(id: number, req: CreateRequest): WorkerRequest {
  const { body, account } = req;
  return [
    id, req.group, req.plural, req.namespace, req.contentType, req.fieldValidation, req.now, req.uid,
    account?.name, account?.stored?.text, account?.stored?.revision,
    req.priorityClasses?.map((c): PriorityClassTuple => [c.name, c.value, c.preemptionPolicy, c.globalDefault]),
    req.defaultStorageClass,
    Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'),
  ];
}

/**
 * The request a message carries, built as a fresh object literal. (Spreading the cloned message into a request made
 * every create cost about 9 µs more to prepare: measured, though V8 gives both objects the same map.)
 */
export function fromWorkerRequest(m: WorkerRequest): { id: number; req: CreateRequest } {
  const [id, group, plural, namespace, contentType, fieldValidation, now, uid, accountName, accountText, accountRevision, classes, defaultStorageClass, body] = m;
  const account = accountName === undefined ? undefined : { name: accountName, stored: accountText === undefined ? null : { text: accountText, revision: accountRevision! } };
  const priorityClasses = classes?.map(([name, value, preemptionPolicy, globalDefault]): PriorityClassRef => ({ name, value, preemptionPolicy, globalDefault }));
  return { id, req: { group, plural, namespace, contentType, fieldValidation, body: Buffer.from(body, 'latin1'), now, uid, account, priorityClasses, defaultStorageClass } };
}

/** What a worker posts back: that it is ready, or the outcomes (or unexpected failures) of a batch of requests. */
export type WorkerReply = { ready: true } | { answers: WorkerAnswer[] };

/** An answer as posted back, a flat tuple as requests are: an outcome, or a failure that is not an API error. */
export type WorkerAnswer =
  | [id: number, type: 'prepared', warnings: string[], name: string, generated: boolean, text: string, invalid: S.Status | undefined]
  | [id: number, type: 'rejected', warnings: string[], status: S.Status]
  | [id: number, type: 'needs-account', name: string]
  | [id: number, type: 'error', message: string, stack: string | undefined];

/** The answer to request `id`: its outcome, or the error that preparing it threw. */
export function toWorkerAnswer(id: number, outcome: CreateOutcome | Error): WorkerAnswer {
  if (outcome instanceof Error) return [id, 'error', outcome.message, outcome.stack];
  switch (outcome.type) {
    case 'prepared':
      return [id, 'prepared', outcome.warnings, outcome.name, outcome.generated, outcome.text, outcome.invalid];
    case 'rejected':
      return [id, 'rejected', outcome.warnings, outcome.status];
    case 'needs-account':
      return [id, 'needs-account', outcome.name];
  }
}

/** The outcome an answer carries (built as a fresh literal), or the error to fail its request with. */
export function fromWorkerAnswer(a: WorkerAnswer): CreateOutcome | Error {
  switch (a[1]) {
    case 'prepared': {
      const [, type, warnings, name, generated, text, invalid] = a;
      return invalid ? { type, warnings, name, generated, text, invalid } : { type, warnings, name, generated, text };
    }
    case 'rejected':
      return { type: a[1], warnings: a[2], status: a[3] };
    case 'needs-account':
      return { type: a[1], name: a[2] };
    case 'error':
      return Object.assign(new Error(a[2]), { stack: a[3] });
  }
}

/** Prepares on the calling thread. */
export function inlinePreparer(): CreatePreparer {
  const accounts = new AccountCache();
  return {
    prepare: async (req) => prepareCreateRequest(req, accounts),
    workers: () => ({ live: 0, ready: 0 }),
    close: async () => {},
  };
}

/** The compiled worker script; absent when running from the TypeScript sources (then everything runs inline). */
const WORKER_SCRIPT = fileURLToPath(new URL('./create-worker.js', import.meta.url));

/**
 * The most requests posted to a worker in one message. Creates arrive in bursts (a group commit answers many writers
 * at once, and they send their next requests together): posting a burst in messages of four, rather than as one at
 * the end of the turn, raised creates/s by about 5 % in paired runs (2 to 6 all did about as well) for about 6 %
 * more CPU per create.
 */
const OUTBOX_MAX = 4;

/** A worker that exits this many times within RESPAWN_WINDOW_MS is not started again (its creates run inline). */
const MAX_EXITS = 3;
const RESPAWN_WINDOW_MS = 60_000;

interface Pending {
  resolve: (o: CreateOutcome) => void;
  reject: (e: Error) => void;
}

/** One worker thread and the requests it has not answered yet. */
class Slot {
  worker: Worker | undefined;
  ready = false;
  readonly pending = new Map<number, Pending>();
  private exits: number[] = [];
  /**
   * Requests not posted yet: those that arrive in one turn of the event loop go together, in messages of up to
   * OUTBOX_MAX requests, so that the worker starts on the first ones while the event loop still reads the rest.
   */
  private outbox: WorkerRequest[] = [];

  constructor(private readonly pool: WorkerPool) {
    this.start();
  }

  private start(): void {
    const worker = new Worker(this.pool.script);
    worker.unref();
    this.worker = worker;
    worker.on('message', (m: WorkerReply) => {
      if ('ready' in m) {
        this.ready = true;
        return;
      }
      for (const a of m.answers) {
        const p = this.pending.get(a[0]);
        this.pending.delete(a[0]);
        const outcome = fromWorkerAnswer(a);
        if (outcome instanceof Error) p?.reject(outcome);
        else p?.resolve(outcome);
      }
    });
    worker.on('error', (e) => this.pool.onError(e));
    worker.on('exit', (code) => {
      this.ready = false;
      this.worker = undefined;
      this.outbox = [];
      for (const p of this.pending.values()) p.reject(new Error(`create worker exited with code ${code}`));
      this.pending.clear();
      if (this.pool.closing) return;
      const now = Date.now();
      this.exits = [...this.exits.filter((t) => now - t < RESPAWN_WINDOW_MS), now];
      if (this.exits.length < MAX_EXITS) this.start();
    });
  }

  /** Queues a request for this worker; the queue is posted when it holds OUTBOX_MAX, or once the turn is done. */
  send(id: number, req: CreateRequest, pending: Pending): void {
    this.pending.set(id, pending);
    if (this.outbox.length === 0) setImmediate(() => this.flush());
    this.outbox.push(toWorkerRequest(id, req));
    if (this.outbox.length >= OUTBOX_MAX) this.flush();
  }

  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length > 0) this.worker?.postMessage(batch);
  }
}

/**
 * Creates within one second that start the worker threads. An idle or lightly used server never starts them: each
 * costs about 12 MB and, at start-up, 140 ms of CPU that the other components of a cluster want. Until the workers
 * are ready, creates are prepared inline, as they are whenever no worker is ready.
 */
const BUSY_CREATES_PER_SECOND = 50;

/** Worker threads that prepare creates, each request going to the ready worker with the fewest in flight. */
class WorkerPool implements CreatePreparer {
  closing = false;
  private slots: Slot[] = [];
  private readonly inline = inlinePreparer();
  private nextId = 0;
  private windowStart = -Infinity;
  private windowCreates = 0;

  constructor(private readonly size: number, readonly script: string, readonly onError: (e: Error) => void, private readonly startAfter: number) {
    if (startAfter <= 0) this.startWorkers();
  }

  prepare(req: CreateRequest): Promise<CreateOutcome> {
    if (this.slots.length === 0) this.countCreate();
    let slot: Slot | undefined;
    for (const s of this.slots) if (s.ready && (!slot || s.pending.size < slot.pending.size)) slot = s;
    if (!slot?.worker) return this.inline.prepare(req);
    const id = this.nextId++;
    return new Promise((resolve, reject) => slot.send(id, req, { resolve, reject }));
  }

  private countCreate(): void {
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCreates = 0;
    }
    if (++this.windowCreates >= this.startAfter && !this.closing) this.startWorkers();
  }

  private startWorkers(): void {
    this.slots = Array.from({ length: this.size }, () => new Slot(this));
  }

  workers(): { live: number; ready: number } {
    return { live: this.slots.filter((s) => s.worker).length, ready: this.slots.filter((s) => s.ready).length };
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker?.terminate()));
  }
}

/**
 * A preparer with `workers` worker threads (inline when 0, or when the compiled worker script is not there), started
 * once `startAfter` creates arrive within a second (at once when 0). `onError` hears of a worker that failed (its
 * pending creates fail with 500; it is started again). `script` is the worker's module (tests give the compiled one,
 * or a misbehaving one).
 */
export function createPreparer(workers: number, onError: (e: Error) => void = () => {}, script = WORKER_SCRIPT, startAfter = BUSY_CREATES_PER_SECOND): CreatePreparer {
  if (workers <= 0 || !existsSync(script)) return inlinePreparer();
  return new WorkerPool(workers, script, onError, startAfter);
}
