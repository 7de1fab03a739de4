// The generator's inputs: the models of @kubernetes/client-node and the declarations of kubernetes-types (devDependencies).

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDts, type DtsDeclaration, type DtsMember } from './dts.js';

/** One entry of a client-node model's `attributeTypeMap`. */
export interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

/** A client-node model: its attributes (wire name, type, format) and its class declaration (docs, required-ness). */
export interface ClientModel {
  className: string;
  attributes: readonly Attribute[];
  declaration: DtsDeclaration;
}

/** A kubernetes-types declaration and the Go package it describes (`io.k8s.api.core.v1`). */
export interface KtDeclaration {
  pkg: string;
  /** `v1`, `v1beta1`, or '' for packages without a version (resource, runtime). */
  version: string;
  declaration: DtsDeclaration;
}

/** Everything the generator reads, loaded once. */
export interface Sources {
  models: ReadonlyMap<string, ClientModel>;
  /** kubernetes-types declarations by name (one name can live in several packages). */
  kt: ReadonlyMap<string, readonly KtDeclaration[]>;
  /** The OpenAPI spec version client-node was generated from (`v1.34.0`). */
  clientSpecVersion: string;
  clientVersion: string;
  ktVersion: string;
}

const require = createRequire(import.meta.url);

function packageRoot(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The Go package of a kubernetes-types file (`core/v1.d.ts` → `io.k8s.api.core.v1`). */
export function ktPackageOf(file: string): { pkg: string; version: string } {
  const path = file.replace(/\.d\.ts$/, '');
  switch (path) {
    case 'meta/v1':
      return { pkg: 'io.k8s.apimachinery.pkg.apis.meta.v1', version: 'v1' };
    case 'api/resource':
      return { pkg: 'io.k8s.apimachinery.pkg.api.resource', version: '' };
    case 'runtime':
      return { pkg: 'io.k8s.apimachinery.pkg.runtime', version: '' };
    case 'version':
      return { pkg: 'io.k8s.apimachinery.pkg.version', version: '' };
    default: {
      const [group, version] = path.split('/');
      return { pkg: `io.k8s.api.${group}.${version ?? ''}`, version: version ?? '' };
    }
  }
}

function loadKubernetesTypes(): Map<string, KtDeclaration[]> {
  const root = packageRoot('kubernetes-types');
  const out = new Map<string, KtDeclaration[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.d.ts')) {
        const { pkg, version } = ktPackageOf(relative(root, full).split('\\').join('/'));
        for (const declaration of parseDts(readFileSync(full, 'utf8'))) {
          const list = out.get(declaration.name) ?? [];
          list.push({ pkg, version, declaration });
          out.set(declaration.name, list);
        }
      }
    }
  };
  walk(root);
  return out;
}

/** openapi-generator escapes quotes and backslashes in descriptions: `\'`, `\"`, `\\`. */
function unescapeDoc(member: DtsMember | DtsDeclaration): void {
  if (member.doc !== undefined) member.doc = member.doc.replace(/\\(.)/g, '$1');
}

async function loadClientModels(): Promise<{ models: Map<string, ClientModel>; specVersion: string }> {
  const dir = join(packageRoot('@kubernetes/client-node'), 'dist', 'gen', 'models');
  const all = (await import(pathToFileURL(join(dir, 'all.js')).href)) as Record<string, { attributeTypeMap?: Attribute[] }>;
  const models = new Map<string, ClientModel>();
  let specVersion = '';
  for (const [className, cls] of Object.entries(all)) {
    if (!Array.isArray(cls.attributeTypeMap)) continue;
    const text = readFileSync(join(dir, `${className}.d.ts`), 'utf8');
    specVersion ||= /OpenAPI spec version: (\S+)/.exec(text)?.[1] ?? '';
    const declaration = parseDts(text).find((d) => d.name === className);
    if (!declaration) throw new Error(`client-node: no class ${className} in ${className}.d.ts`);
    unescapeDoc(declaration);
    declaration.members.forEach(unescapeDoc);
    models.set(className, { className, attributes: cls.attributeTypeMap, declaration });
  }
  return { models, specVersion };
}

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(join(packageRoot(name), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Loads both packages (they are devDependencies: only the generator and its tests call this). */
export async function loadSources(): Promise<Sources> {
  const { models, specVersion } = await loadClientModels();
  return {
    models,
    kt: loadKubernetesTypes(),
    clientSpecVersion: specVersion,
    clientVersion: versionOf('@kubernetes/client-node'),
    ktVersion: versionOf('kubernetes-types'),
  };
}
