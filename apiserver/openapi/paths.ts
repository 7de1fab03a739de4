// The `paths` of a group-version's OpenAPI v3 document: the REST operations of each served resource, as upstream lays them out.

import { gvPath, type ResourceInfo, type SubresourceInfo } from '../api/resources.js';
import { REF_PREFIX, type GroupVersionKind } from './types.js';

/** An OpenAPI operation or path item, kept loose: documents are serialized, never read back by the server. */
type Json = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Query parameters, described in our words; the names and types are the API's. */
const QUERY: Readonly<Record<string, { type: 'string' | 'integer' | 'boolean'; description: string }>> = {
  allowWatchBookmarks: { type: 'boolean', description: 'Ask a watch for BOOKMARK events; a server may send them or not.' },
  continue: { type: 'string', description: 'The token from a previous page of this list, to read the next page.' },
  dryRun: { type: 'string', description: 'When present, the request is checked and answered but nothing is persisted. The only value is All.' },
  fieldManager: { type: 'string', description: 'The name of the actor making the change, recorded as a field manager.' },
  fieldSelector: { type: 'string', description: 'Only objects whose fields match this selector. Defaults to everything.' },
  fieldValidation: {
    type: 'string',
    description:
      'What to do with unknown or duplicate fields in the body: Ignore drops them silently, Warn (the default) drops them and answers with a Warning header for each, Strict refuses the request with a BadRequest naming all of them.',
  },
  force: { type: 'boolean', description: 'Take over fields owned by other managers (apply patches only).' },
  gracePeriodSeconds: { type: 'integer', description: 'Seconds the object may take to terminate; 0 deletes at once. Unset uses the default of the kind.' },
  ignoreStoreReadErrorWithClusterBreakingPotential: { type: 'boolean', description: 'Delete an object that cannot be read from storage. Unsafe.' },
  labelSelector: { type: 'string', description: 'Only objects whose labels match this selector. Defaults to everything.' },
  limit: { type: 'integer', description: 'The most objects to answer with; the list metadata carries a continue token when more exist.' },
  orphanDependents: { type: 'boolean', description: 'Deprecated; use propagationPolicy. Whether dependents are orphaned.' },
  pretty: { type: 'string', description: "If 'true', the output is pretty printed." },
  propagationPolicy: { type: 'string', description: 'How dependents are deleted: Orphan, Background or Foreground.' },
  resourceVersion: { type: 'string', description: 'A constraint on the resource version the answer may be served from.' },
  resourceVersionMatch: { type: 'string', description: 'How resourceVersion applies to a list: Exact or NotOlderThan.' },
  sendInitialEvents: { type: 'boolean', description: 'With watch=true, start the stream with the current state followed by a bookmark.' },
  timeoutSeconds: { type: 'integer', description: 'How long a list or watch call may last.' },
  watch: { type: 'boolean', description: 'Stream changes to the described objects instead of listing them.' },
};

function query(name: string): Json {
  const p = QUERY[name]!;
  return { description: p.description, in: 'query', name, schema: { type: p.type, uniqueItems: true } };
}

function pathParam(name: 'name' | 'namespace', kind: string): Json {
  const description = name === 'name' ? `name of the ${kind}` : 'object name and auth scope, such as for teams and projects';
  return { description, in: 'path', name, required: true, schema: { type: 'string', uniqueItems: true } };
}

const LIST_QUERY = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const WRITE_QUERY = ['dryRun', 'fieldManager', 'fieldValidation'];
const PATCH_QUERY = [...WRITE_QUERY, 'force'];
const DELETE_QUERY = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];
const DELETE_COLLECTION_QUERY = [
  'continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'labelSelector', 'limit',
  'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds',
];

const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

/** The Go package of a group-version's API types (`apps`, v1 → `io.k8s.api.apps.v1`). */
export function apiPackage(group: string, version: string): string {
  return `io.k8s.api.${group === '' ? 'core' : group.split('.')[0]!}.${version}`;
}

/** `Core`, `Apps`, `Coordination`, `Policy`: the group as operation ids spell it. */
function groupWord(group: string): string {
  const first = group === '' ? 'core' : group.split('.')[0]!;
  return first.charAt(0).toUpperCase() + first.slice(1);
}

function content(schemaName: string, types: readonly string[]): Json {
  const out: Json = {};
  for (const t of types) out[t] = { schema: { $ref: REF_PREFIX + schemaName } };
  return out;
}

const OBJECT_TYPES = ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'];
const LIST_TYPES = [...OBJECT_TYPES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];

function responses(schemaName: string, codes: ReadonlyArray<readonly [string, string]>, types = OBJECT_TYPES): Json {
  const out: Json = {};
  for (const [code, description] of codes) out[code] = { content: content(schemaName, types), description };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** What every operation on one resource path shares. */
interface OperationBase {
  tag: string;
  gvk: GroupVersionKind;
  /** The schema of the objects this path reads and writes. */
  schema: string;
}

function operation(base: OperationBase, action: string, description: string, operationId: string, extra: Json): Json {
  return {
    description,
    operationId,
    ...extra,
    tags: [base.tag],
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': base.gvk,
  };
}

const OK: readonly [string, string] = ['200', 'OK'];
const CREATED: readonly [string, string] = ['201', 'Created'];
const ACCEPTED: readonly [string, string] = ['202', 'Accepted'];

/** get, put and patch on one object (or one of its subresources). */
function objectOperations(base: OperationBase, id: string, what: string, verbs: readonly string[]): Json {
  const item: Json = {};
  if (verbs.includes('get')) item.get = operation(base, 'get', `read ${what}`, `read${id}`, { responses: responses(base.schema, [OK]) });
  if (verbs.includes('update')) {
    item.put = operation(base, 'put', `replace ${what}`, `replace${id}`, {
      parameters: WRITE_QUERY.map(query),
      requestBody: { content: { '*/*': { schema: { $ref: REF_PREFIX + base.schema } } }, required: true },
      responses: responses(base.schema, [OK, CREATED]),
    });
  }
  if (verbs.includes('patch')) {
    const body: Json = {};
    for (const t of PATCH_TYPES) body[t] = { schema: { $ref: `${REF_PREFIX}${META}.Patch` } };
    item.patch = operation(base, 'patch', `partially update ${what}`, `patch${id}`, {
      parameters: PATCH_QUERY.map(query),
      requestBody: { content: body, required: true },
      responses: responses(base.schema, [OK, CREATED]),
    });
  }
  return item;
}

function deleteOperation(base: OperationBase, id: string, what: string): Json {
  return operation(base, 'delete', `delete ${what}`, `delete${id}`, {
    parameters: DELETE_QUERY.map(query),
    requestBody: { content: { '*/*': { schema: { $ref: `${REF_PREFIX}${META}.DeleteOptions` } } } },
    responses: responses(base.schema, [OK, ACCEPTED]),
  });
}

/** A subresource's operations: status and scale read and write, eviction and binding create, log reads text. */
function subresourceItem(r: ResourceInfo, s: SubresourceInfo, base: OperationBase, idBase: string, common: Json[]): Json {
  const suffix = s.name.charAt(0).toUpperCase() + s.name.slice(1);
  const params = { parameters: [pathParam('name', s.kind), ...common.slice(1)] };
  if (s.name === 'status' || s.name === 'scale') {
    const sub: OperationBase = { ...base, gvk: { group: s.group, version: s.version, kind: s.kind }, schema: s.name === 'scale' ? `${apiPackage(s.group, s.version)}.${s.kind}` : base.schema };
    const what = `${s.name} of the specified ${r.kind}`;
    return { ...objectOperations(sub, `${idBase}${suffix}`, what, s.verbs), ...params };
  }
  if (s.name === 'log') {
    const log = operation(base, 'get', `read log of the specified ${r.kind}`, `read${idBase}Log`, {
      parameters: ['container', 'follow', 'limitBytes', 'previous', 'sinceSeconds', 'sinceTime', 'tailLines', 'timestamps'].map((name) => ({
        in: 'query',
        name,
        schema: { type: ['follow', 'previous', 'timestamps'].includes(name) ? 'boolean' : ['limitBytes', 'sinceSeconds', 'tailLines'].includes(name) ? 'integer' : 'string', uniqueItems: true },
      })),
      responses: { '200': { content: { 'text/plain': { schema: { type: 'string' } } }, description: 'OK' }, '401': { description: 'Unauthorized' } },
    });
    return { get: log, ...params };
  }
  const schema = `${apiPackage(s.group, s.version)}.${s.kind}`;
  const sub: OperationBase = { ...base, gvk: { group: s.group, version: s.version, kind: s.kind }, schema };
  const post = operation(sub, 'post', `create ${s.name} of a ${r.kind}`, `create${idBase}${suffix}`, {
    parameters: WRITE_QUERY.map(query),
    requestBody: { content: { '*/*': { schema: { $ref: REF_PREFIX + schema } } }, required: true },
    responses: responses(schema, [OK, CREATED, ACCEPTED]),
  });
  return { post, ...params };
}

/** The path items of one resource, keyed by path. */
export function resourcePaths(r: ResourceInfo): Record<string, Json> {
  const prefix = gvPath(r);
  const pkg = apiPackage(r.group, r.version);
  const base: OperationBase = { tag: `${groupWord(r.group).toLowerCase()}_${r.version}`, gvk: { group: r.group, version: r.version, kind: r.kind }, schema: `${pkg}.${r.kind}` };
  const listBase: OperationBase = { ...base, schema: `${pkg}.${r.listKind}` };
  const gv = `${groupWord(r.group)}${r.version.charAt(0).toUpperCase()}${r.version.slice(1)}`;
  const scope = r.namespaced ? 'Namespaced' : '';
  const idBase = `${gv}${scope}${r.kind}`;
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const pretty = query('pretty');
  const collectionCommon = r.namespaced ? [pathParam('namespace', r.kind), pretty] : [pretty];
  const objectCommon = [pathParam('name', r.kind), ...collectionCommon];
  const out: Record<string, Json> = {};

  const coll: Json = { parameters: collectionCommon };
  if (r.verbs.includes('list')) {
    coll.get = operation(base, 'list', `list or watch objects of kind ${r.kind}`, `list${idBase}`, {
      parameters: LIST_QUERY.map(query),
      responses: responses(listBase.schema, [OK], LIST_TYPES),
    });
  }
  if (r.verbs.includes('create')) {
    coll.post = operation(base, 'post', `create a ${r.kind}`, `create${idBase}`, {
      parameters: WRITE_QUERY.map(query),
      requestBody: { content: { '*/*': { schema: { $ref: REF_PREFIX + base.schema } } }, required: true },
      responses: responses(base.schema, [OK, CREATED, ACCEPTED]),
    });
  }
  if (r.verbs.includes('deletecollection')) {
    coll.delete = operation(base, 'deletecollection', `delete collection of ${r.kind}`, `delete${gv}Collection${scope}${r.kind}`, {
      parameters: DELETE_COLLECTION_QUERY.map(query),
      requestBody: { content: { '*/*': { schema: { $ref: `${REF_PREFIX}${META}.DeleteOptions` } } } },
      responses: responses(`${META}.Status`, [OK]),
    });
  }
  out[collection] = coll;

  const obj: Json = { ...objectOperations(base, idBase, `the specified ${r.kind}`, r.verbs), parameters: objectCommon };
  if (r.verbs.includes('delete')) obj.delete = deleteOperation(base, idBase, `a ${r.kind}`);
  out[`${collection}/{name}`] = obj;

  if (r.namespaced && r.verbs.includes('list')) {
    out[`${prefix}/${r.plural}`] = {
      get: operation(base, 'list', `list or watch objects of kind ${r.kind}`, `list${gv}${r.kind}ForAllNamespaces`, { responses: responses(listBase.schema, [OK], LIST_TYPES) }),
      parameters: [...LIST_QUERY.map(query), pretty],
    };
  }
  for (const s of r.subresources) out[`${collection}/{name}/${s.name}`] = subresourceItem(r, s, base, idBase, objectCommon);
  if (r.plural === 'namespaces') {
    out[`${collection}/{name}/finalize`] = { ...objectOperations(base, `${idBase}Finalize`, `finalize of the specified ${r.kind}`, ['update']), parameters: objectCommon };
  }
  return out;
}

/** The discovery path of a group-version (`/api/v1/`), answered with an APIResourceList. */
export function discoveryPath(group: string, version: string): Record<string, Json> {
  const tag = `${groupWord(group).toLowerCase()}_${version}`;
  return {
    [`${gvPath({ group, version })}/`]: {
      get: {
        description: 'get available resources',
        operationId: `get${groupWord(group)}${version.charAt(0).toUpperCase()}${version.slice(1)}APIResources`,
        responses: responses(`${META}.APIResourceList`, [OK]),
        tags: [tag],
      },
    },
  };
}
