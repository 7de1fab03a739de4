// The served OpenAPI v3 documents: one per group-version (paths + the schemas they reach), the index, their hashes.

import { createHash } from 'node:crypto';
import { groupVersions } from '../api/resources.js';
import { SCHEMAS } from './generated-schemas.js';
import { discoveryPath, resourcePaths } from './paths.js';
import { refName, type Schema } from './types.js';

/** A group-version's document: its index key (`api/v1`, `apis/apps/v1`), its JSON text and its hash. */
export interface ServedDocument {
  key: string;
  text: string;
  /** The text as UTF-8, encoded once (api/v1 is half a megabyte). */
  bytes: Buffer;
  /** Upstream's ETag and `hash` query value: the uppercase hex SHA-512 of the text. */
  hash: string;
}

/** `api/v1` or `apis/<group>/<version>`: the index key and the URL tail of a group-version's document. */
export function documentKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Every `$ref` target in a JSON value. */
function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.add(refName(v));
      else collectRefs(v, into);
    }
  }
}

/** The schemas a document needs: those its paths reference, and everything they reference in turn. */
function reachableSchemas(paths: unknown, schemas: Readonly<Record<string, Schema>>): Record<string, Schema> {
  const names = new Set<string>();
  collectRefs(paths, names);
  const queue = [...names];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const schema = schemas[name];
    if (!schema) throw new Error(`OpenAPI: no schema named ${name}`);
    const more = new Set<string>();
    collectRefs(schema, more);
    for (const m of more) {
      if (!names.has(m)) {
        names.add(m);
        queue.push(m);
      }
    }
  }
  const out: Record<string, Schema> = {};
  for (const name of [...names].sort()) out[name] = schemas[name]!;
  return out;
}

function sortedObject<T>(entries: Array<[string, T]>): Record<string, T> {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The OpenAPI v3 document of one served group-version, keys in upstream's (sorted) order. */
export function buildDocument(group: string, version: string, schemas: Readonly<Record<string, Schema>> = SCHEMAS): Record<string, unknown> {
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) throw new Error(`OpenAPI: ${documentKey(group, version)} is not served`);
  const paths = sortedObject(Object.entries({ ...discoveryPath(group, version), ...Object.assign({}, ...gv.resources.map(resourcePaths)) as Record<string, unknown> }));
  return {
    components: { schemas: reachableSchemas(paths, schemas) },
    info: { title: 'Kubernetes', version: 'unversioned' },
    openapi: '3.0.0',
    paths,
  };
}

/** Upstream's hash of a document: uppercase hex SHA-512. */
export function documentHash(text: string): string {
  return createHash('sha512').update(text).digest('hex').toUpperCase();
}

/**
 * The documents of every served group-version and the index that points at them, built on first use and kept
 * (they depend only on the resource table and the generated schemas, so they never change while a server runs).
 */
export class OpenApiDocuments {
  private built?: { byKey: Map<string, ServedDocument>; index: ServedDocument };

  constructor(private readonly schemas: Readonly<Record<string, Schema>> = SCHEMAS) {}

  private build(): { byKey: Map<string, ServedDocument>; index: ServedDocument } {
    if (this.built) return this.built;
    const byKey = new Map<string, ServedDocument>();
    const entries: Array<[string, { serverRelativeURL: string }]> = [];
    for (const gv of groupVersions()) {
      const key = documentKey(gv.group, gv.version);
      const text = JSON.stringify(buildDocument(gv.group, gv.version, this.schemas));
      const doc = { key, text, bytes: Buffer.from(text), hash: documentHash(text) };
      byKey.set(key, doc);
      entries.push([key, { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` }]);
    }
    const indexText = JSON.stringify({ paths: sortedObject(entries) });
    this.built = { byKey, index: { key: '', text: indexText, bytes: Buffer.from(indexText), hash: documentHash(indexText) } };
    return this.built;
  }

  /** The index served at `/openapi/v3`. */
  index(): ServedDocument {
    return this.build().index;
  }

  /** The document at `/openapi/v3/<key>`, or undefined when no served group-version has that key. */
  document(key: string): ServedDocument | undefined {
    return this.build().byKey.get(key);
  }
}
