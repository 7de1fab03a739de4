// Tests for simulated logs: content, timestamps, tail/since/limit, previous instance, follow timing, unavailable reasons.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../apiserver/api/types.js';
import type { PodRuntime } from './lifecycle.js';
import { LifecycleDriver } from './lifecycle-driver.js';
import { logLines, logUnavailableReason, rfc3339Nano } from './logs.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const S = (s: number): number => T0 + s * 1000;
const Q = { previous: false, timestamps: false };

const pod: Pod = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u1' },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }, { name: 'bad', image: 'nginx:bad' }] },
};

function runtimeAt(p: Pod, seconds: number): PodRuntime {
  const d = new LifecycleDriver(p);
  d.at(T0);
  d.runUntil(S(seconds));
  return d.runtime!;
}

describe('logLines', () => {
  it('renders the opening lines, then one line every 10s while running', () => {
    const { text, nextLineAt } = logLines(pod, runtimeAt(pod, 35), 'app', S(35), Q);
    expect(text.split('\n')).toEqual([
      'Starting app (image nginx:1.25) in pod shop/web',
      'Using image docker.io/library/nginx:1.25; simulated by kubeling, no process is executed',
      'Loaded configuration: 0 environment variable(s), 0 volume mount(s)',
      expect.stringMatching(/^Listening on 80\/TCP with [1-4] worker\(s\)$/),
      'app is running, uptime 10s',
      'app is running, uptime 20s',
      'app is running, uptime 30s',
      '',
    ]);
    expect(nextLineAt).toBe(S(40));
  });

  it('is deterministic', () => {
    const rt = runtimeAt(pod, 100);
    expect(logLines(pod, rt, 'app', S(100), Q)).toEqual(logLines(pod, rt, 'app', S(100), Q));
  });

  it('prefixes RFC3339Nano timestamps with nine digits', () => {
    expect(rfc3339Nano(T0 + 120)).toBe('2026-01-02T03:04:05.120000000Z');
    const { text } = logLines(pod, runtimeAt(pod, 10), 'app', S(10), { ...Q, timestamps: true });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('2026-01-02T03:04:05.000000000Z Starting app (image nginx:1.25) in pod shop/web');
    expect(lines.at(-1)).toBe('2026-01-02T03:04:15.000000000Z app is running, uptime 10s');
  });

  it.each([
    [{ tailLines: 2 }, ['app is running, uptime 50s', 'app is running, uptime 1m0s']],
    [{ tailLines: 0 }, []],
    [{ sinceMs: S(45) }, ['app is running, uptime 50s', 'app is running, uptime 1m0s']],
    [{ tailLines: 3, sinceMs: S(55) }, ['app is running, uptime 1m0s']],
  ])('filters %j', (opts, lines) => {
    const { text } = logLines(pod, runtimeAt(pod, 60), 'app', S(60), { ...Q, ...opts });
    expect(text === '' ? [] : text.trimEnd().split('\n')).toEqual(lines);
  });

  it('limitBytes truncates the rendered text', () => {
    const { text } = logLines(pod, runtimeAt(pod, 60), 'app', S(60), { ...Q, limitBytes: 8 });
    expect(text).toBe('Starting');
  });

  it('previous reads the last terminated instance; the current one after a crash ends with its exit code', () => {
    const crashing: Pod = { metadata: { name: 'job', namespace: 'ns', uid: 'u2' }, spec: { containers: [{ name: 'c', image: 'busybox:crash' }] } };
    const rt = runtimeAt(crashing, 1.5);
    const prev = logLines(crashing, rt, 'c', S(1.5), { ...Q, previous: true, timestamps: true });
    expect(prev.nextLineAt).toBeUndefined();
    expect(prev.text.trimEnd().split('\n').at(-1)).toBe('2026-01-02T03:04:06.000000000Z error: c failed (simulated), exiting with code 1');
    const current = logLines(crashing, rt, 'c', S(1.5), { ...Q, timestamps: true });
    expect(current.text.split('\n')[0]).toBe('2026-01-02T03:04:06.000000000Z Starting c (image busybox:crash) in pod ns/job');
    const backingOff = runtimeAt(crashing, 5);
    expect(logLines(crashing, backingOff, 'c', S(5), Q).text).toBe(logLines(crashing, backingOff, 'c', S(5), { ...Q, previous: true }).text);
  });

  it('a completed container ends with exit code 0', () => {
    const job: Pod = { metadata: { name: 'job', namespace: 'ns', uid: 'u3', annotations: { 'kubeling.io/exit-after': '25s' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } };
    const { text, nextLineAt } = logLines(job, runtimeAt(job, 100), 'c', S(100), Q);
    expect(text.trimEnd().split('\n').slice(-3)).toEqual(['c is running, uptime 10s', 'c is running, uptime 20s', 'c finished, exiting with code 0']);
    expect(nextLineAt).toBeUndefined();
  });
});

describe('logUnavailableReason (kubelet wording)', () => {
  it.each([
    ['app', false, 1, undefined],
    ['app', true, 1, 'previous terminated container "app" in pod "web" not found'],
    ['bad', false, 1, 'container "bad" in pod "web" is waiting to start: image can\'t be pulled'],
    ['bad', false, 5, 'container "bad" in pod "web" is waiting to start: trying and failing to pull image'],
    ['nope', false, 1, 'container nope is not valid for pod web'],
  ])('%s previous=%s at +%is → %s', (container, previous, seconds, reason) => {
    expect(logUnavailableReason(pod, runtimeAt(pod, seconds), container, previous)).toBe(reason);
    if (reason !== undefined) expect(logLines(pod, runtimeAt(pod, seconds), container, S(seconds), { ...Q, previous }).text).toBe('');
  });

  it('a container still being created is waiting to start', () => {
    const slow: Pod = { ...pod, metadata: { ...pod.metadata, annotations: { 'kubeling.io/start-delay': '1m' } } };
    expect(logUnavailableReason(slow, runtimeAt(slow, 1), 'app', false)).toBe('container "app" in pod "web" is waiting to start: ContainerCreating');
  });
});
