// The startup phase's parsing of /proc and kubectl output, its medians, targets and report lines.

import { describe, expect, it } from 'vitest';
import { footprintTotals, kubectlReadyNodes, median, parsePpid, parsePss, parseVmRss, startupLines, startupTargets, type StartupBench } from './startup-checks.js';

describe('median', () => {
  it.each([
    [[], undefined],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('%j → %s', (xs, want) => {
    expect(median(xs)).toBe(want);
  });
});

describe('/proc parsing', () => {
  it.each([
    ['status VmRSS', parseVmRss('Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t   61440 kB\nRssAnon:\t 1 kB\n'), 61440 * 1024],
    ['status without VmRSS (a zombie)', parseVmRss('Name:\tnode\nState:\tZ (zombie)\n'), undefined],
    ['smaps_rollup Pss', parsePss('55d0-7ffd ---p 00000000 00:00 0  [rollup]\nRss:   61000 kB\nPss:   30500 kB\nPss_Anon:  20000 kB\n'), 30500 * 1024],
    ['stat ppid', parsePpid('1234 (node) S 1200 1234 1200 0 -1 4194560'), 1200],
    ['stat ppid, a command name with spaces and parentheses', parsePpid('77 (a (b) c) R 42 77 77 0'), 42],
  ])('%s', (_name, got, want) => {
    expect(got).toBe(want);
  });
});

describe('kubectlReadyNodes', () => {
  it.each([
    ['three Ready', 'NAME                     STATUS   ROLES           AGE   VERSION\nkubeling-control-plane   Ready    control-plane   1s    v1.32.4\nkubeling-worker          Ready    <none>          1s    v1.32.4\nkubeling-worker2         Ready    <none>          1s    v1.32.4\n', 3],
    ['NotReady and SchedulingDisabled are not Ready', 'NAME   STATUS     ROLES    AGE   VERSION\na      NotReady   <none>   1s    v1.32.4\nb      Ready,SchedulingDisabled   <none>   1s    v1.32.4\n', 0],
    ['no resources', '', 0],
  ])('%s', (_name, out, want) => {
    expect(kubectlReadyNodes(out)).toBe(want);
  });
});

describe('targets and lines', () => {
  const MiB = 1048576;
  const bench: StartupBench = {
    runs: 5,
    baselineMs: 100,
    upReadyLineMs: 900,
    upHttpMs: 950,
    upKubectlMs: 1600,
    kubectlCallMs: 300,
    inProcessImportMs: 150,
    inProcessStartMs: 250,
    footprint: { idleSeconds: 10, processes: [{ pid: 1, name: 'up', rss: 50 * MiB, pss: 20 * MiB }, { pid: 2, name: 'apiserver', rss: 100 * MiB, pss: 60 * MiB }] },
  };
  it('meets, misses, or has nothing to judge', () => {
    expect(startupTargets(bench)).toEqual([
      { name: 'up → kubectl', want: '<= 1500 ms', got: '1600 ms', met: false },
      { name: 'in-process ready', want: '<= 300 ms', got: '250 ms', met: true },
      { name: 'idle RSS 3 nodes', want: '<= 250 MiB', got: '150 MiB', met: true },
    ]);
    const noKubectl: StartupBench = { runs: 1, baselineMs: 100, upHttpMs: 1200 };
    expect(startupTargets(noKubectl).map((t) => [t.name, t.met])).toEqual([['up → 3 Ready (HTTP)', true], ['in-process ready', false], ['idle RSS 3 nodes', null]]);
    expect(startupTargets(undefined)).toEqual([]);
  });
  it('adds up the footprint, PSS only when every process had one', () => {
    expect(footprintTotals(bench)).toEqual({ rss: 150 * MiB, pss: 80 * MiB });
    expect(footprintTotals({ ...bench, footprint: { idleSeconds: 1, processes: [{ pid: 1, name: 'up', rss: MiB }] } })).toEqual({ rss: MiB });
  });
  it('prints each figure next to node -e 0 and its target', () => {
    const text = startupLines(bench).join('\n');
    expect(text).toContain('kubeling up → `kubectl get nodes` prints 3 Ready: 1600 ms (16.0× node -e 0) (the kubectl call itself 300 ms, fresh cache)   [target <= 1500 ms]');
    expect(text).toContain("startCluster({ mode: 'in-process', storage: 'memory' }) in a fresh process: 250 ms (2.5× node -e 0) after import('kubeling') 150 ms   [target <= 300 ms]");
    expect(text).toContain('2 processes: RSS sum 150 MiB, PSS sum 80 MiB   [target RSS <= 250 MiB]');
    expect(startupLines({ ...bench, inProcessRss: 90 * MiB }).join('\n')).toContain("after import('kubeling') 150 ms, the whole cluster in that one process: RSS 90 MiB   [target");
    expect(text).toContain('up 50 MiB (PSS 20 MiB), apiserver 100 MiB (PSS 60 MiB)');
    const withBare = startupLines({ ...bench, bareNode: { pid: 3, name: 'bare node', rss: 40 * MiB, pss: 20 * MiB } }).join('\n');
    expect(withBare).toContain('[target RSS <= 250 MiB]; an idle bare node process: RSS 40 MiB, PSS 20 MiB (2 of them: RSS 80 MiB)');
  });
});
