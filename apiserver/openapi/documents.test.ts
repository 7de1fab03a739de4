// The served documents: one per group-version, complete and self-contained, with what kubectl looks for in them.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RESOURCES, groupVersions, gvPath } from '../api/resources.js';
import { schemaFor } from '../patch/strategic-schema.js';
import type { SchemaNode } from '../patch/strategic-schema.js';
import { buildDocument, documentKey, OpenApiDocuments } from './documents.js';
import { SCHEMAS } from './generated-schemas.js';
import { refName, type Schema } from './types.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const docs = new OpenApiDocuments();

describe('the index', () => {
  it('lists every served group-version with a hashed URL, as upstream', () => {
    const index = JSON.parse(docs.index().text) as Json;
    expect(Object.keys(index)).toEqual(['paths']);
    expect(Object.keys(index.paths)).toEqual(groupVersions().map((g) => documentKey(g.group, g.version)).sort());
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/policy/v1', 'apis/coordination.k8s.io/v1']));
    for (const [key, entry] of Object.entries(index.paths as Record<string, { serverRelativeURL: string }>)) {
      const doc = docs.document(key)!;
      expect(entry.serverRelativeURL).toBe(`/openapi/v3/${key}?hash=${doc.hash}`);
      expect(doc.hash).toBe(createHash('sha512').update(doc.text).digest('hex').toUpperCase());
    }
  });
});

describe.each(groupVersions().map((g) => [documentKey(g.group, g.version), g] as const))('%s', (_key, gv) => {
  const doc = buildDocument(gv.group, gv.version) as Json;

  it('is an OpenAPI 3.0 document whose references all resolve inside it', () => {
    expect(doc.openapi).toBe('3.0.0');
    expect(doc.info).toEqual({ title: 'Kubernetes', version: 'unversioned' });
    const refs = new Set(JSON.stringify(doc).match(/"\$ref":"[^"]+"/g)!.map((r) => refName(r.slice(8, -1))));
    for (const r of refs) expect(doc.components.schemas[r], r).toBeDefined();
    for (const name of Object.keys(doc.components.schemas)) expect(SCHEMAS[name]).toBe(doc.components.schemas[name]);
  });

  it('has, for every resource, the collection and object paths with their operations', () => {
    for (const r of gv.resources) {
      const base = r.namespaced ? `${gvPath(r)}/namespaces/{namespace}/${r.plural}` : `${gvPath(r)}/${r.plural}`;
      const gvk = { group: r.group, version: r.version, kind: r.kind };
      expect(doc.paths[base].get['x-kubernetes-action']).toBe('list');
      expect(doc.paths[base].post['x-kubernetes-group-version-kind']).toEqual(gvk);
      const obj = doc.paths[`${base}/{name}`];
      for (const [verb, action] of [['get', 'get'], ['put', 'put'], ['patch', 'patch'], ['delete', 'delete']]) {
        expect(obj[verb!]['x-kubernetes-action'], `${base}/{name} ${verb}`).toBe(action);
        expect(obj[verb!]['x-kubernetes-group-version-kind']).toEqual(gvk);
      }
    }
  });

  it('every patch operation names its GVK and takes dryRun, fieldManager, fieldValidation and force inline (kubectl --validate)', () => {
    let patches = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      if (!item.patch) continue;
      patches++;
      expect(item.patch['x-kubernetes-action'], path).toBe('patch');
      expect(item.patch['x-kubernetes-group-version-kind'], path).toMatchObject({ version: expect.any(String), kind: expect.any(String) });
      const params = (item.patch.parameters as Json[]).map((p) => `${p.in}:${p.name}`);
      expect(params, path).toEqual(['query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force']);
      expect(Object.keys(item.patch.requestBody.content)).toContain('application/strategic-merge-patch+json');
    }
    expect(patches).toBeGreaterThanOrEqual(gv.resources.length);
  });

  it('carries each served kind with its x-kubernetes-group-version-kind (kubectl explain finds it so)', () => {
    for (const r of gv.resources) {
      const found = Object.values(doc.components.schemas as Record<string, Schema>).filter((s) =>
        s['x-kubernetes-group-version-kind']?.some((g) => g.group === r.group && g.version === r.version && g.kind === r.kind),
      );
      expect(found, r.kind).toHaveLength(1);
    }
  });
});

describe('merge metadata agrees with the strategic merge patch engine', () => {
  /** Follows a field's schema to the schema of its value (or of a list's elements). */
  function valueSchema(field: Schema): Schema | undefined {
    const s = field.type === 'array' ? field.items! : field;
    const ref = s.$ref ?? s.allOf?.[0]?.$ref;
    return ref ? SCHEMAS[refName(ref)] : undefined;
  }

  function compare(node: SchemaNode, schema: Schema, path: string, out: string[]): void {
    for (const [field, sub] of Object.entries(node.fields ?? {})) {
      const fs = schema.properties?.[field];
      if (!fs) {
        out.push(`${path}.${field}: not in the schema`);
        continue;
      }
      const strategy = fs['x-kubernetes-patch-strategy'];
      const want = sub.strategy === undefined ? undefined : sub.retainKeys && sub.strategy === 'merge' ? 'merge,retainKeys' : sub.strategy;
      if (strategy !== want) out.push(`${path}.${field}: strategy ${String(strategy)}, engine ${String(want)}`);
      if (fs['x-kubernetes-patch-merge-key'] !== sub.mergeKey) out.push(`${path}.${field}: merge key ${String(fs['x-kubernetes-patch-merge-key'])}, engine ${String(sub.mergeKey)}`);
      const next = valueSchema(fs);
      if (next && sub.fields) compare(sub, next, `${path}.${field}`, out);
    }
  }

  it.each(RESOURCES.map((r) => [r.kind, r] as const))('%s', (_kind, r) => {
    const out: string[] = [];
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    const pkg = `io.k8s.api.${r.group === '' ? 'core' : r.group.split('.')[0]}.${r.version}`;
    compare(schemaFor(apiVersion, r.kind), SCHEMAS[`${pkg}.${r.kind}`]!, r.kind, out);
    expect(out).toEqual([]);
  });
});
