// Image references as a containerd runtime reports them: normalised names, image IDs, container IDs.

import { createHash } from 'node:crypto';

/** An image reference split into its parts (`docker.io`, `library/nginx`, `1.25`, `sha256:…`). */
export interface ImageRef {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

const DEFAULT_DOMAIN = 'docker.io';

/** Lowercase hex SHA-256 of a string: the deterministic source of every simulated ID. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Splits an image reference the way the Docker reference grammar does.
 *
 * Assumptions / Invariants — reproduces distribution/reference `ParseNormalizedNamed`:
 * - The first `/`-separated component is a registry only if there is a `/` and it contains
 *   `.` or `:` or is `localhost`; otherwise the registry is `docker.io`.
 * - A Docker Hub name without a `/` lives under `library/`.
 * - A tag is the text after the last `:` that follows the last `/`; a digest follows `@`.
 */
export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > lastSlash ? named.slice(colon + 1) : undefined;
  const name = colon > lastSlash ? named.slice(0, colon) : named;
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const domain = hasDomain ? first : DEFAULT_DOMAIN;
  let path = hasDomain ? name.slice(slash + 1) : name;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  const ref: ImageRef = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** The last path segment of the repository (`nginx` for `docker.io/library/nginx:1.25`). */
export function imageName(image: string): string {
  const { path } = parseImageRef(image);
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The reference as the runtime reports `image`: `nginx` → `docker.io/library/nginx:latest`. */
export function normaliseImage(image: string): string {
  const ref = parseImageRef(image);
  const tag = ref.tag ?? (ref.digest === undefined ? 'latest' : undefined);
  return `${ref.domain}/${ref.path}${tag !== undefined ? `:${tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The runtime's `imageID`: `docker.io/library/nginx@sha256:<64 hex>` (the given digest when pinned). */
export function imageIdOf(image: string): string {
  const ref = parseImageRef(image);
  const digest = ref.digest ?? `sha256:${sha256Hex(`image:${normaliseImage(image)}`)}`;
  return `${ref.domain}/${ref.path}@${digest}`;
}

/** A container instance's ID, new per restart: `containerd://<64 hex>` from pod UID, container name and restart count. */
export function containerIdOf(podUid: string, container: string, restartCount: number): string {
  return `containerd://${sha256Hex(`container:${podUid}/${container}/${restartCount}`)}`;
}
