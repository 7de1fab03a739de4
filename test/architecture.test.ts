// The dependency rules of DESIGN.md §3: every relative import in the source tree must point the allowed way.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['apiserver', 'controllers', 'kubelet-sim', 'cluster'];

/** The module a file belongs to: `apiserver/api`, `controllers/runtime`, `kubelet-sim`, `cluster`, … */
export function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'apiserver' || parts[0] === 'controllers') return parts.length > 2 ? `${parts[0]}/${parts[1]}` : path.replace(/\.ts$/, '');
  return parts[0]!;
}

/** What each module may import from the repository besides itself (DESIGN.md §3). */
function allowed(from: string, to: string, toPath: string): boolean {
  if (from === to) return true;
  const isMain = /(^|\/)main\.ts$/.test(toPath);
  switch (from) {
    case 'apiserver/api':
    case 'apiserver/storage':
      return false;
    case 'apiserver/patch':
    case 'apiserver/openapi':
      return to === 'apiserver/api';
    case 'apiserver/registry':
      return ['apiserver/api', 'apiserver/storage', 'apiserver/patch', 'apiserver/openapi'].includes(to);
    case 'apiserver/server':
      return ['apiserver/registry', 'apiserver/api', 'apiserver/patch', 'apiserver/openapi'].includes(to);
    case 'apiserver/main':
      return to.startsWith('apiserver/');
    case 'controllers/runtime':
    case 'controllers/history':
      return to === 'apiserver/api';
    case 'kubelet-sim':
      return to === 'controllers/runtime' || to === 'apiserver/api';
    case 'cluster':
      return isMain || to === 'controllers/runtime';
    default:
      if (from.startsWith('controllers/')) return ['controllers/runtime', 'controllers/history', 'apiserver/api'].includes(to) || (from === to);
      return false;
  }
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specs.push((m[1] ?? m[2])!);
  }
  return specs.filter((s) => s.startsWith('.'));
}

describe('architecture', () => {
  const files = SOURCE_DIRS.flatMap((d) => {
    try {
      return sourceFiles(join(ROOT, d));
    } catch {
      return [];
    }
  });

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('keeps every import pointing the allowed way', () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(ROOT, file);
      const from = moduleOf(rel);
      for (const spec of importsOf(file)) {
        const target = relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
        const to = moduleOf(target);
        if (!allowed(from, to, target)) violations.push(`${rel} imports ${target} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('rejects a forbidden import (the rule table is live)', () => {
    expect(allowed('apiserver/server', 'apiserver/storage', 'apiserver/storage/types.ts')).toBe(false);
    expect(allowed('controllers/daemonset', 'controllers/statefulset', 'controllers/statefulset/util.ts')).toBe(false);
    expect(allowed('kubelet-sim', 'apiserver/registry', 'apiserver/registry/store.ts')).toBe(false);
    expect(allowed('cluster', 'apiserver/server', 'apiserver/server/app.ts')).toBe(false);
  });

  it('reads process.argv and process.env only in composition roots', () => {
    const offenders = files
      .filter((f) => /process\.(argv|env)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f))
      .filter((f) => !/(^|\/)main\.ts$/.test(f) && f !== 'cluster/cli.ts');
    expect(offenders).toEqual([]);
  });
});
