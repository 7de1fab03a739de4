// The generator: the committed module equals a fresh generation, and the schemas say what upstream's say.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDts } from './dts.js';
import { emitModule, GENERATED_PATH } from './emit.js';
import { generateSchemas, type Generated } from './schemas.js';
import { loadSources, type Sources } from './sources.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let src: Sources;
let gen: Generated;

beforeAll(async () => {
  src = await loadSources();
  gen = generateSchemas(src);
});

const s = (name: string) => {
  const schema = gen.schemas[name];
  if (!schema) throw new Error(`no schema ${name}`);
  return schema;
};
const prop = (schema: string, field: string) => s(schema).properties![field]!;

describe('the committed generated module', () => {
  it('is what the generator writes from the installed packages (run `npm run gen:openapi` after changing either)', () => {
    const committed = readFileSync(`${ROOT}${GENERATED_PATH}`, 'utf8');
    expect(committed === emitModule(gen, src), `${GENERATED_PATH} is stale: run npm run gen:openapi`).toBe(true);
  });
});

describe('generated schemas', () => {
  it('names types as upstream and reaches only what the served kinds need', () => {
    expect(Object.keys(gen.schemas)).toEqual(expect.arrayContaining([
      'io.k8s.api.core.v1.Pod', 'io.k8s.api.core.v1.PodSpec', 'io.k8s.api.core.v1.Container', 'io.k8s.api.core.v1.Event',
      'io.k8s.api.apps.v1.DaemonSet', 'io.k8s.api.apps.v1.StatefulSetList', 'io.k8s.api.core.v1.PodTemplateSpec',
      'io.k8s.api.coordination.v1.Lease', 'io.k8s.api.policy.v1.PodDisruptionBudget', 'io.k8s.api.policy.v1.Eviction',
      'io.k8s.api.scheduling.v1.PriorityClass', 'io.k8s.api.core.v1.PersistentVolume', 'io.k8s.api.storage.v1.StorageClass',
      'io.k8s.api.autoscaling.v1.Scale', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
      'io.k8s.apimachinery.pkg.api.resource.Quantity', 'io.k8s.apimachinery.pkg.util.intstr.IntOrString', 'io.k8s.apimachinery.pkg.runtime.RawExtension',
    ]));
    expect(gen.schemas['io.k8s.api.apps.v1.Deployment']).toBeUndefined();
    expect(gen.schemas['io.k8s.api.events.v1.Event']).toBeUndefined();
    // Every reference resolves.
    const refs = JSON.stringify(gen.schemas).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const r of new Set(refs)) expect(gen.schemas[r.slice('"$ref":"#/components/schemas/'.length, -1)], r).toBeDefined();
  });

  it('Pod: fields, descriptions, refs through allOf, the GVK', () => {
    const pod = s('io.k8s.api.core.v1.Pod');
    expect(Object.keys(pod.properties!)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(pod.description).toMatch(/^Pod is a collection of containers/);
    expect(pod.type).toBe('object');
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(prop('io.k8s.api.core.v1.Pod', 'spec')).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }],
      default: {},
      description: expect.stringMatching(/^Specification of the desired behavior of the pod/),
    });
    // Descriptions of fields that reference a type come from kubernetes-types (openapi-generator drops them).
    expect(prop('io.k8s.api.core.v1.Pod', 'metadata').description).toMatch(/^Standard object's metadata/);
    expect(s('io.k8s.api.apps.v1.DaemonSetList')['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'DaemonSetList', version: 'v1' }]);
    expect(s('io.k8s.api.core.v1.PodSpec')['x-kubernetes-group-version-kind']).toBeUndefined();
  });

  it('types and formats from attributeTypeMap', () => {
    expect(prop('io.k8s.api.core.v1.PodSpec', 'terminationGracePeriodSeconds')).toMatchObject({ type: 'integer', format: 'int64' });
    expect(prop('io.k8s.api.core.v1.ContainerPort', 'containerPort')).toMatchObject({ type: 'integer', format: 'int32', default: 0 });
    expect(prop('io.k8s.api.core.v1.PodSpec', 'hostNetwork')).toMatchObject({ type: 'boolean' });
    expect(prop('io.k8s.api.core.v1.Secret', 'data')).toMatchObject({ type: 'object', additionalProperties: { type: 'string', format: 'byte' } });
    expect(prop('io.k8s.api.core.v1.Container', 'args')).toMatchObject({ type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'atomic' });
    expect(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'labels')).toMatchObject({ type: 'object', additionalProperties: { type: 'string', default: '' } });
  });

  it('special types as upstream: Time, MicroTime, Quantity, IntOrString, RawExtension', () => {
    expect(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp').allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }]);
    expect(s('io.k8s.apimachinery.pkg.apis.meta.v1.Time')).toMatchObject({ type: 'string', format: 'date-time' });
    expect(prop('io.k8s.api.core.v1.Event', 'eventTime').allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime' }]);
    expect(prop('io.k8s.api.core.v1.ResourceRequirements', 'limits')).toMatchObject({ type: 'object', additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' } });
    expect(s('io.k8s.apimachinery.pkg.api.resource.Quantity').oneOf).toEqual([{ type: 'string' }, { type: 'number' }]);
    expect(s('io.k8s.apimachinery.pkg.util.intstr.IntOrString')).toMatchObject({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
    const port = prop('io.k8s.api.core.v1.HTTPGetAction', 'port');
    expect(port.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
    expect(port.description).toMatch(/^Name or number of the port/);
    expect(prop('io.k8s.api.apps.v1.ControllerRevision', 'data').allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.runtime.RawExtension' }]);
    expect(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry', 'fieldsV1').allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1' }]);
  });

  it('required fields from the declarations, with the zero value as default for primitives', () => {
    expect(s('io.k8s.api.core.v1.Container').required).toEqual(['name']);
    expect(s('io.k8s.api.core.v1.PodSpec').required).toEqual(['containers']);
    expect(s('io.k8s.api.apps.v1.DaemonSetSpec').required).toEqual(['selector', 'template']);
    expect(s('io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference').required).toEqual(['apiVersion', 'kind', 'name', 'uid']);
    expect(prop('io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference', 'uid').default).toBe('');
    expect(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'name').default).toBeUndefined();
  });

  it('merge keys and list types of the contract §9.2 table', () => {
    const ext = (schema: string, field: string) => {
      const p = prop(schema, field);
      return Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith('x-kubernetes-')));
    };
    expect(ext('io.k8s.api.core.v1.PodSpec', 'containers')).toEqual({
      'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge',
    });
    expect(ext('io.k8s.api.core.v1.PodSpec', 'volumes')['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    expect(ext('io.k8s.api.core.v1.PodSpec', 'hostAliases')['x-kubernetes-patch-merge-key']).toBe('ip');
    expect(ext('io.k8s.api.core.v1.PodSpec', 'topologySpreadConstraints')['x-kubernetes-patch-merge-key']).toBe('topologyKey');
    expect(ext('io.k8s.api.core.v1.Container', 'ports')).toMatchObject({ 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] });
    expect(ext('io.k8s.api.core.v1.Container', 'volumeMounts')['x-kubernetes-patch-merge-key']).toBe('mountPath');
    expect(ext('io.k8s.api.core.v1.EphemeralContainer', 'env')['x-kubernetes-patch-merge-key']).toBe('name');
    expect(ext('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences')['x-kubernetes-patch-merge-key']).toBe('uid');
    expect(ext('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers')).toEqual({ 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' });
    expect(ext('io.k8s.api.core.v1.NodeStatus', 'addresses')['x-kubernetes-patch-merge-key']).toBe('type');
    expect(ext('io.k8s.api.apps.v1.StatefulSetStatus', 'conditions')['x-kubernetes-patch-merge-key']).toBe('type');
    expect(ext('io.k8s.api.core.v1.PodSpec', 'tolerations')).toEqual({ 'x-kubernetes-list-type': 'atomic' });
  });

  it('keeps paragraph breaks in descriptions (kubectl explain prints them)', () => {
    expect(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp').description).toContain('in UTC.\n\nPopulated by the system.');
  });

  it('reports what it had to guess', () => {
    for (const note of gen.notes) expect(note).toMatch(/not in kubernetes-types; named after the package of its first referrer \(io\.k8s\.api\.core\.v1\)/);
  });
});

describe('parseDts', () => {
  it('reads both declaration styles with their docs and required-ness', () => {
    const decls = parseDts([
      '/**', '* A thing.', '*/', 'export declare class V1Thing {', '    /**', "    * It\\'s a name.", '    */', "    'name': string;",
      "    'labels'?: {", '        [key: string]: string;', '    };', '    static readonly attributeTypeMap: Array<{', '        name: string;', '    }>;', '    constructor();', '}',
      '/**', ' * Para one.', ' *', ' * Para two.', ' */', 'export interface Other {', '    /** Short. */', '    readonly status?: Array<Thing>;', '}',
      '/** Q. */', 'export type Quantity = string;',
    ].join('\n'));
    expect(decls.map((d) => [d.kind, d.name, d.doc])).toEqual([['class', 'V1Thing', 'A thing.'], ['interface', 'Other', 'Para one.\n\nPara two.'], ['type', 'Quantity', 'Q.']]);
    expect(decls[0]!.members).toEqual([
      { name: 'name', optional: false, type: 'string', doc: "It\\'s a name." },
      { name: 'labels', optional: true, type: '{ [key: string]: string; }' },
    ]);
    expect(decls[1]!.members).toEqual([{ name: 'status', optional: true, type: 'Array<Thing>', doc: 'Short.' }]);
  });
});
