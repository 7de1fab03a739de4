// Table tests for failure simulation: the image word rules, annotation parsing and Go durations.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../apiserver/api/types.js';
import { formatGoDuration, nextBackoff, parseGoDuration } from './backoff.js';
import { ANNOTATION_RULES, IMAGE_FAILURE_RULES, imageBehaviour, podOverrides, pullBackoffMessage, pullFailureMessage } from './failures.js';

describe('imageBehaviour (IMAGE_FAILURE_RULES)', () => {
  it.each([
    ['nginx', undefined],
    ['nginx:1.25', undefined],
    ['nginx:bad', 'pull-failure'],
    ['nginx:BAD', 'pull-failure'],
    ['nginx:1.99-doesnotexist', 'pull-failure'],
    ['nginx:does-not-exist', 'pull-failure'],
    ['example.com/broken:1', 'pull-failure'],
    ['registry.local:5000/team/notfound', 'pull-failure'],
    ['nonexistent', 'pull-failure'],
    ['app:v1_invalid', 'pull-failure'],
    ['app:not-found.2', 'pull-failure'],
    ['badger:1', undefined],
    ['nginx:badge', undefined],
    ['bad/nginx:1', undefined],
    ['busybox:crash', 'crash'],
    ['myorg/crashloop:2', 'crash'],
    ['app:1.0-crash', 'crash'],
    ['crashy:1', undefined],
    ['nginx:unready', 'never-ready'],
    ['nginx:never-ready', 'never-ready'],
    ['nginx:crash-bad', 'pull-failure'],
    ['nginx@sha256:0123', undefined],
  ])('%s → %s', (image, behaviour) => {
    expect(imageBehaviour(image)).toBe(behaviour);
  });

  it('is a documented table', () => {
    expect(IMAGE_FAILURE_RULES.map((r) => r.behaviour)).toEqual(['pull-failure', 'crash', 'never-ready']);
    expect(IMAGE_FAILURE_RULES.every((r) => r.effect.length > 0 && r.words.length > 0)).toBe(true);
    expect(ANNOTATION_RULES.map((r) => r.key)).toEqual(['kubeling.io/start-delay', 'kubeling.io/ready-delay', 'kubeling.io/exit-after', 'kubeling.io/exit-code', 'kubeling.io/stop-delay']);
  });

  it('pull messages name the normalised and the written image', () => {
    expect(pullFailureMessage('nginx:bad')).toBe(
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:bad": failed to resolve reference "docker.io/library/nginx:bad": docker.io/library/nginx:bad: not found',
    );
    expect(pullBackoffMessage('nginx:bad')).toBe('Back-off pulling image "nginx:bad"');
  });
});

describe('podOverrides (kubeling.io/ annotations)', () => {
  const pod = (annotations: Record<string, string>): Pod => ({ metadata: { name: 'p', annotations }, spec: { containers: [] } });
  it.each([
    [{}, {}],
    [{ 'kubeling.io/start-delay': '5s' }, { startDelayMs: 5000 }],
    [{ 'kubeling.io/ready-delay': '10' }, { readyDelayMs: 10_000 }],
    [{ 'kubeling.io/exit-after': '1m30s', 'kubeling.io/exit-code': '0' }, { exitAfterMs: 90_000, exitCode: 0 }],
    [{ 'kubeling.io/exit-after': '500ms', 'kubeling.io/exit-code': '42' }, { exitAfterMs: 500, exitCode: 42 }],
    [{ 'kubeling.io/stop-delay': '2.5' }, { stopDelayMs: 2500 }],
    [{ 'kubeling.io/start-delay': 'soon', 'kubeling.io/exit-code': '-1' }, {}],
    [{ 'kubeling.io/exit-code': '256' }, {}],
    [{ 'example.com/start-delay': '5s' }, {}],
  ])('%j → %j', (annotations, expected) => {
    expect(podOverrides(pod(annotations))).toEqual(expected);
  });
});

describe('Go durations', () => {
  it.each([
    ['5', 5000],
    ['0', 0],
    ['2.5', 2500],
    ['5s', 5000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['1500us', 2],
    ['', undefined],
    ['-5s', undefined],
    ['5 s', undefined],
    ['1d', undefined],
    ['abc', undefined],
  ])('parseGoDuration(%j) = %j', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1500, '1.5s'],
    [10_000, '10s'],
    [80_000, '1m20s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [3_725_000, '1h2m5s'],
  ])('formatGoDuration(%i) = %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });

  it('back-off doubles from 10s and is capped at 5m', () => {
    const seq: number[] = [];
    let b: number | undefined;
    for (let i = 0; i < 8; i++) seq.push((b = nextBackoff(b)) / 1000);
    expect(seq).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });
});
