// The part of the API client the history helpers write through: the runtime's Client satisfies it (this module may
// import only apiserver/api, so the client is described here rather than imported).

import type { ResourceInfo } from '../../apiserver/api/resources.js';

/** Reads and writes of single objects, as controllers/runtime's Client makes them. */
export interface HistoryClient {
  get<T>(r: ResourceInfo, namespace: string | undefined, name: string): Promise<T>;
  create<T>(r: ResourceInfo, obj: object): Promise<T>;
  patch<T>(r: ResourceInfo, namespace: string | undefined, name: string, type: 'strategic', body: unknown): Promise<T>;
  delete(r: ResourceInfo, namespace: string | undefined, name: string): Promise<unknown>;
}

/** `namespace/name` (just the name when cluster-scoped), the work-queue key of an owner. */
export function ownerKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const m = obj.metadata;
  const name = m?.name ?? '';
  return m?.namespace ? `${m.namespace}/${name}` : name;
}
