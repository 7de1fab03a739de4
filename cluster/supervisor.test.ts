// The supervisor's restart policy on real child processes: backoff doubling to a cap, announced, stopped by stop().

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Supervisor } from './supervisor.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-sup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A child script: prints its ready line and a log line, then exits with `code` (or stays up when code is 'stay'). */
async function script(body: string): Promise<string> {
  const path = join(dir, 'child.mjs');
  await writeFile(path, body);
  return path;
}

describe('Supervisor', () => {
  it('restarts a crashing component with a doubling delay up to the cap, and says so', async () => {
    const lines: string[] = [];
    const path = await script(`console.log(JSON.stringify({ ready: true })); console.error('hello from ' + process.argv[2]); process.exit(3);`);
    const sup = new Supervisor({ script: path, out: { write: (l) => lines.push(l) }, backoff: { initialMs: 20, maxMs: 80, stableMs: 60_000 } });
    const c = sup.start({ name: 'crasher', args: ['one'] });
    await c.ready;
    await until(() => c.restarts >= 4, 'four restarts');
    await sup.stop();
    const restarts = lines.filter((l) => l.startsWith('[kubeling] crasher exited'));
    expect(restarts.slice(0, 4)).toEqual([
      '[kubeling] crasher exited with code 3; restarting in 0.02s',
      '[kubeling] crasher exited with code 3; restarting in 0.04s',
      '[kubeling] crasher exited with code 3; restarting in 0.08s',
      '[kubeling] crasher exited with code 3; restarting in 0.08s',
    ]);
    expect(lines).toContain('[crasher] hello from one');
    expect(lines.some((l) => /^\[kubeling\] crasher restarted \(pid \d+, restart 1\)$/.test(l))).toBe(true);
  });

  it('fails ready without restarting when the first process exits before its ready line', async () => {
    const lines: string[] = [];
    const path = await script(`console.error('bad flag'); process.exit(2);`);
    const sup = new Supervisor({ script: path, out: { write: (l) => lines.push(l) }, backoff: { initialMs: 10, maxMs: 10, stableMs: 60_000 } });
    const c = sup.start({ name: 'broken', args: [] });
    await expect(c.ready).rejects.toThrow('broken exited with code 2 before it was ready');
    await sup.stop();
    expect(c.restarts).toBe(0);
    expect(lines).toEqual(['[broken] bad flag']);
  });

  it('stops a healthy component with SIGTERM, restarts nothing afterwards, and writes per-component log files', async () => {
    const lines: string[] = [];
    const path = await script(`console.log(JSON.stringify({ ready: true })); console.error('up'); process.on('SIGTERM', () => { console.error('bye'); process.exit(0); }); setInterval(() => {}, 1000);`);
    const logDir = join(dir, 'logs');
    const sup = new Supervisor({ script: path, out: { write: (l) => lines.push(l) }, logDir, backoff: { initialMs: 10, maxMs: 10, stableMs: 60_000 } });
    const c = sup.start({ name: 'steady', args: [] });
    await c.ready;
    await until(() => lines.includes('[steady] up'), 'the log line');
    sup.say('hello');
    await sup.stop();
    expect(c.process.exitCode).toBe(0);
    expect(lines).toContain('[steady] bye');
    expect(lines.some((l) => l.includes('restarting'))).toBe(false);
    expect(readFileSync(join(logDir, 'steady.log'), 'utf8')).toBe('{"ready":true}\nup\nbye\n');
    expect(readFileSync(join(logDir, 'kubeling.log'), 'utf8')).toMatch(/^\S+Z hello\n$/);
  });
});
