// The state file's helpers: ages as kubectl prints them and the `kubeling status` table.

import { describe, expect, it } from 'vitest';
import { age, formatStatus, statePath } from './state.js';

describe('age', () => {
  it.each([[0, '0s'], [45_000, '45s'], [60_000, '1m'], [192_000, '3m12s'], [7_500_000, '2h5m'], [7_200_000, '2h'], [3 * 86_400_000 + 4 * 3_600_000, '3d4h']])('%i ms → %s', (ms, want) => {
    expect(age(ms)).toBe(want);
  });
});

describe('state file', () => {
  it('sits beside the data dir', () => {
    expect(statePath('/x/.kubeling/data')).toBe('/x/.kubeling/state.json');
  });

  it('shows every component with its pid, status, uptime and restarts', () => {
    const text = formatStatus({
      pid: 10, url: 'http://127.0.0.1:6443', kubeconfig: '/k', dataDir: '/d', startedAt: 0,
      components: [{ name: 'apiserver', pid: 11, startedAt: 0, restarts: 0 }, { name: 'scheduler', pid: 12, startedAt: 50_000, restarts: 2 }],
    }, 65_000, (pid) => pid !== 12);
    expect(text.split('\n')).toEqual([
      'kubeling is running at http://127.0.0.1:6443',
      'kubeconfig: /k',
      'data dir:   /d',
      '',
      'COMPONENT     PID   STATUS    UPTIME   RESTARTS',
      'kubeling up   10    Running   1m5s     0',
      'apiserver     11    Running   1m5s     0',
      'scheduler     12    Exited    15s      2',
      '',
    ]);
  });
});

describe('runsUp', () => {
  it('is false for a live process that is not kubeling up (a reused pid) and for a pid that does not exist', async () => {
    const { runsUp } = await import('./state.js');
    expect(runsUp(process.pid)).toBe(process.platform !== 'linux');
    expect(runsUp(2 ** 22 + 12345)).toBe(false);
  });
});
