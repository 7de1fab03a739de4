// The registry with PriorityClasses: the system classes at bootstrap, Priority admission of pods and classes from storage.

import { describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { ApiError } from '../api/status.js';
import { createMemoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { PriorityClassLookup } from './admission-inputs.js';
import { bootstrap } from './bootstrap.js';
import { Registry } from './store.js';

async function registry(): Promise<Registry> {
  const reg = new Registry({ storage: createMemoryStorage() });
  await bootstrap(reg);
  return reg;
}
const pc = (name: string, value: number, more: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...more,
});
const pod = (name: string, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'nginx' }], ...spec },
});
const failure = async (p: Promise<unknown>): Promise<{ code: number; message: string }> => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return { code: e.status.code ?? 0, message: e.status.message ?? '' };
};

describe('PriorityClasses in the registry', () => {
  it('bootstrap creates the two system classes, defaulted, once', async () => {
    const reg = await registry();
    await bootstrap(reg);
    const list = await reg.list(R.priorityclasses, undefined);
    expect(list.items.map((o) => [o.metadata.name, o.value, o.globalDefault, o.preemptionPolicy, o.description])).toEqual([
      ['system-cluster-critical', 2000000000, undefined, 'PreemptLowerPriority', 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'],
      ['system-node-critical', 2000001000, undefined, 'PreemptLowerPriority', 'Used for system critical pods that must not be moved from their current node.'],
    ]);
  });

  it('pods take their priority from stored classes, and the global default when they name none', async () => {
    const reg = await registry();
    await reg.create(R.priorityclasses, undefined, pc('high', 1000, { preemptionPolicy: 'Never' }));
    expect((await reg.create(R.pods, 'default', pod('a', { priorityClassName: 'high' }))).spec).toMatchObject({ priority: 1000, preemptionPolicy: 'Never' });
    expect((await reg.create(R.pods, 'default', pod('b'))).spec).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    expect(await failure(reg.create(R.pods, 'default', pod('c', { priorityClassName: 'nope' })))).toEqual({ code: 403, message: 'pods "c" is forbidden: no PriorityClass with name nope was found' });
    await reg.create(R.priorityclasses, undefined, pc('everyday', 50, { globalDefault: true }));
    expect((await reg.create(R.pods, 'default', pod('d'))).spec).toMatchObject({ priorityClassName: 'everyday', priority: 50, preemptionPolicy: 'PreemptLowerPriority' });
  });

  it('one global default: a second is refused on create and update; value is immutable', async () => {
    const reg = await registry();
    await reg.create(R.priorityclasses, undefined, pc('first', 1, { globalDefault: true }));
    const second = 'PriorityClass first is already marked as default. Only one default can exist';
    expect(await failure(reg.create(R.priorityclasses, undefined, pc('second', 2, { globalDefault: true }))))
      .toEqual({ code: 403, message: `priorityclasses.scheduling.k8s.io "second" is forbidden: ${second}` });
    await reg.create(R.priorityclasses, undefined, pc('second', 2));
    expect(await failure(reg.update(R.priorityclasses, undefined, 'second', pc('second', 2, { globalDefault: true }))))
      .toEqual({ code: 403, message: `priorityclasses.scheduling.k8s.io "second" is forbidden: ${second}` });
    const first = await reg.update(R.priorityclasses, undefined, 'first', pc('first', 1, { globalDefault: true, description: 'now described' }));
    expect(first.description).toBe('now described');
    expect(await failure(reg.update(R.priorityclasses, undefined, 'first', pc('first', 3, { globalDefault: true }))))
      .toEqual({ code: 422, message: 'PriorityClass.scheduling.k8s.io "first" is invalid: value: Forbidden: may not be changed in an update.' });
  });

  it('a pod created right after a class is created, changed or deleted sees the class as it is now', async () => {
    const reg = await registry();
    await reg.create(R.pods, 'default', pod('warm')); // the lookup now holds the system classes
    await reg.create(R.priorityclasses, undefined, pc('fresh', 7));
    expect((await reg.create(R.pods, 'default', pod('a', { priorityClassName: 'fresh' }))).spec).toMatchObject({ priority: 7 });
    await reg.update(R.priorityclasses, undefined, 'fresh', pc('fresh', 7, { globalDefault: true }));
    expect((await reg.create(R.pods, 'default', pod('b'))).spec).toMatchObject({ priorityClassName: 'fresh', priority: 7 });
    await reg.delete(R.priorityclasses, undefined, 'fresh');
    expect(await failure(reg.create(R.pods, 'default', pod('c', { priorityClassName: 'fresh' })))).toEqual({ code: 403, message: 'pods "c" is forbidden: no PriorityClass with name fresh was found' });
    expect((await reg.create(R.pods, 'default', pod('d'))).spec).toMatchObject({ priority: 0 });
  });

  it('a class deleted once its last finalizer is removed is gone for the next pod', async () => {
    const reg = await registry();
    await reg.create(R.priorityclasses, undefined, pc('held', 3, { metadata: { name: 'held', finalizers: ['example.com/hold'] } }));
    expect((await reg.delete(R.priorityclasses, undefined, 'held')).deleted).toBe(false);
    expect((await reg.create(R.pods, 'default', pod('a', { priorityClassName: 'held' }))).spec).toMatchObject({ priority: 3 });
    await reg.guaranteedUpdate(R.priorityclasses, undefined, 'held', (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [] } }));
    expect(await failure(reg.create(R.pods, 'default', pod('b', { priorityClassName: 'held' })))).toEqual({ code: 403, message: 'pods "b" is forbidden: no PriorityClass with name held was found' });
  });
});

/** A storage whose lists are counted and, while `gate` is set, wait for it. */
function countingStorage(): { storage: Storage; lists: () => number; hold: () => () => void } {
  const inner = createMemoryStorage();
  let lists = 0;
  let gate: Promise<void> | undefined;
  const storage: Storage = Object.create(inner) as Storage;
  storage.list = async (prefix, opts) => {
    lists++;
    const answer = await inner.list(prefix, opts);
    await gate;
    return answer;
  };
  const hold = (): (() => void) => {
    let open!: () => void;
    gate = new Promise((resolve) => { open = resolve; });
    return () => { gate = undefined; open(); };
  };
  return { storage, lists: () => lists, hold };
}

describe('PriorityClassLookup', () => {
  const key = (name: string): string => `/registry/scheduling.k8s.io/priorityclasses/${name}`;
  const stored = (name: string, value: number): Uint8Array => Buffer.from(JSON.stringify(pc(name, value)));

  it('keeps its answer until a class is written, and ignores writes of other kinds', async () => {
    const { storage, lists } = countingStorage();
    const lookup = new PriorityClassLookup(storage);
    await storage.create(key('a'), stored('a', 1));
    expect((await lookup.all()).map((c) => c.name)).toEqual(['a']);
    expect((await lookup.all()).map((c) => c.name)).toEqual(['a']);
    expect(lists()).toBe(1);
    lookup.wrote('/registry/pods/default/p');
    lookup.wrote('/registry/scheduling.k8s.io/priorityclassesx/b');
    await lookup.all();
    expect(lists()).toBe(1);
    await storage.create(key('b'), stored('b', 2));
    lookup.wrote(key('b'));
    expect((await lookup.all()).map((c) => c.name)).toEqual(['a', 'b']);
    await storage.delete(key('a'));
    lookup.wrote(key('a'));
    expect((await lookup.all()).map((c) => [c.name, c.value])).toEqual([['b', 2]]);
    expect(lists()).toBe(3);
  });

  it('does not keep a list that overlapped a write', async () => {
    const { storage, lists, hold } = countingStorage();
    const lookup = new PriorityClassLookup(storage);
    const open = hold();
    const before = lookup.all(); // lists the empty prefix, then waits
    await storage.create(key('a'), stored('a', 1));
    lookup.wrote(key('a'));
    open();
    expect(await before).toEqual([]);
    expect((await lookup.all()).map((c) => c.name)).toEqual(['a']);
    expect(lists()).toBe(2);
  });
});
