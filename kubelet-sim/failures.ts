// Failure simulation: which image names fail to pull, crash or never become ready, and the kubeling.io/ pod annotations.

import type { Pod } from '../apiserver/api/types.js';
import { parseGoDuration } from './backoff.js';
import { imageName, normaliseImage, parseImageRef } from './images.js';

/** What a matching image does to its container. */
export type ImageBehaviour = 'pull-failure' | 'crash' | 'never-ready';

/** One row of the documented image table. */
export interface ImageFailureRule {
  behaviour: ImageBehaviour;
  /** Whole words matched (case-insensitive) in the image's tag or last name segment; words are separated by `-`, `.` or `_`. */
  words: readonly string[];
  /** What the user sees. */
  effect: string;
}

/**
 * The image table, first match wins. `nginx:bad`, `nginx:1.99-doesnotexist` and
 * `example.com/broken:1` match; `badger:1` does not (`bad` is not a whole word there).
 */
export const IMAGE_FAILURE_RULES: readonly ImageFailureRule[] = [
  {
    behaviour: 'pull-failure',
    words: ['doesnotexist', 'does-not-exist', 'nonexistent', 'notfound', 'not-found', 'invalid', 'bad', 'broken'],
    effect: 'waiting ErrImagePull, then ImagePullBackOff; retried after 10s, 20s, 40s … 5m; the pod stays Pending',
  },
  {
    behaviour: 'crash',
    words: ['crash', 'crashloop', 'crash-loop'],
    effect: 'runs 1s, exits with code 1 (Error); restartPolicy Always/OnFailure → CrashLoopBackOff (10s doubling to 5m), Never → pod Failed',
  },
  {
    behaviour: 'never-ready',
    words: ['unready', 'never-ready'],
    effect: 'runs, but is never ready (Ready False ContainersNotReady)',
  },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One case-insensitive pattern per rule: any of its words as a whole `-`/`.`/`_`-separated word. */
const RULE_PATTERNS = IMAGE_FAILURE_RULES.map((rule) => ({
  behaviour: rule.behaviour,
  pattern: new RegExp(`(?:^|[-._])(?:${rule.words.map(escapeRegExp).join('|')})(?:$|[-._])`, 'i'),
}));

/** The simulated behaviour of an image, from IMAGE_FAILURE_RULES; undefined for a healthy image. */
export function imageBehaviour(image: string): ImageBehaviour | undefined {
  const parts = [imageName(image), parseImageRef(image).tag ?? ''];
  return RULE_PATTERNS.find((r) => parts.some((p) => r.pattern.test(p)))?.behaviour;
}

/** The waiting message of ErrImagePull, as containerd reports an unknown tag. */
export function pullFailureMessage(image: string): string {
  const n = normaliseImage(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${n}": failed to resolve reference "${n}": ${n}: not found`;
}

/** The waiting message of ImagePullBackOff; names the image as written in the spec. */
export function pullBackoffMessage(image: string): string {
  return `Back-off pulling image "${image}"`;
}

/** The annotation domain of every simulation knob. */
export const ANNOTATION_PREFIX = 'kubeling.io/';

/** One documented pod annotation. */
export interface AnnotationRule {
  key: string;
  value: string;
  effect: string;
}

/** The pod annotations the simulator honours. Durations: Go syntax (`1m30s`, `500ms`) or plain seconds (`5`). */
export const ANNOTATION_RULES: readonly AnnotationRule[] = [
  { key: 'kubeling.io/start-delay', value: 'duration', effect: 'the pod stays ContainerCreating (no sandbox, no IP) that long after the node accepts it' },
  { key: 'kubeling.io/ready-delay', value: 'duration', effect: 'each container runs but is not ready until that long after it started' },
  { key: 'kubeling.io/exit-after', value: 'duration', effect: 'each regular container exits that long after it started; restartPolicy decides what follows' },
  { key: 'kubeling.io/exit-code', value: 'integer 0–255 (default 0)', effect: 'the exit code used by exit-after' },
  { key: 'kubeling.io/stop-delay', value: 'duration', effect: 'on deletion, containers take that long to stop; past the grace period they are killed (exit code 137)' },
];

/** Parsed annotation values; an absent or malformed annotation is left undefined (ignored). */
export interface PodOverrides {
  startDelayMs?: number;
  readyDelayMs?: number;
  exitAfterMs?: number;
  exitCode?: number;
  stopDelayMs?: number;
}

function durationAnnotation(annotations: Record<string, string>, key: string): number | undefined {
  const v = annotations[key];
  return v === undefined ? undefined : parseGoDuration(v);
}

/** Reads the kubeling.io/ annotations of a pod. */
export function podOverrides(pod: Pod): PodOverrides {
  const a: Record<string, string> = pod.metadata?.annotations ?? {};
  const out: PodOverrides = {};
  const set = (k: keyof PodOverrides, v: number | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('startDelayMs', durationAnnotation(a, 'kubeling.io/start-delay'));
  set('readyDelayMs', durationAnnotation(a, 'kubeling.io/ready-delay'));
  set('exitAfterMs', durationAnnotation(a, 'kubeling.io/exit-after'));
  set('stopDelayMs', durationAnnotation(a, 'kubeling.io/stop-delay'));
  const code = a['kubeling.io/exit-code'];
  if (code !== undefined && /^\s*\d{1,3}\s*$/.test(code) && Number(code) <= 255) out.exitCode = Number(code);
  return out;
}
