// Watches the static-pod manifest directory of a simulator process and reports each node's manifests when they change.

import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseManifest } from './static-pods.js';
import type { ManifestResult } from './static-pods.js';

/** One manifest file of one node and what parsing it gave. */
export interface ManifestEvent {
  node: string;
  file: string;
  result: ManifestResult;
}

/** Options of a ManifestDir. */
export interface ManifestDirOptions {
  /** Period of the full rescan (kubelet's fileCheckFrequency, 20 s); 0 disables it. */
  rescanMs?: number;
  /** Quiet time after a file-system event before the affected part is re-read (default 50 ms). */
  debounceMs?: number;
  /** At most this many directories are watched with fs.watch (default 256); others rely on the rescan. */
  maxWatches?: number;
  /** Receives errors the watcher cannot do anything about (a failing onChange, an unreadable directory). */
  onError?: (err: unknown) => void;
}

/** Biggest manifest read; larger files are reported as errors (kubelet has no such need: it reads real files). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/**
 * True for a file name the watcher reads: not hidden (leading `.`, as kubelet's file source skips), not an editor
 * leftover (`~` suffix, `.swp`), and ending in `.yaml`, `.yml` or `.json` (kubelet reads any name; we narrow it so
 * READMEs and backups in the folder are not reported as broken manifests).
 */
export function isManifestFile(name: string): boolean {
  if (name.startsWith('.') || name.endsWith('~') || /\.sw[a-p]$/i.test(name)) return false;
  return MANIFEST_EXT.test(name);
}

interface Entry {
  text: string;
  result: ManifestResult;
}

type Files = Map<string, Entry>;

interface Watch {
  watcher: FSWatcher;
  ino: number;
}

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

/**
 * The manifest folder of one simulator process.
 *
 * Layout: `<dir>/<node>/*.yaml` run on that node only; `<dir>/*.yaml` run on every node of the process; deeper
 * folders and folders of unknown nodes are ignored.
 *
 * Assumptions / Invariants (kubelet config/file.go: periodic listing every fileCheckFrequency plus inotify):
 * - `nodes()` is the source of truth for which nodes exist; addNode/removeNode only make a change take effect now.
 * - scans run one at a time; every scan re-reads the affected folders, so a missed fs event is repaired by the
 *   next periodic rescan, and a folder deleted and recreated is watched again once a scan sees its new inode.
 * - onChange(node, files) is called once per node after start/addNode, then only when the set of (file, content)
 *   of that node changed; `files` is the node's full current map, path → parse result, sorted by path. Results of
 *   shared files are the same objects for every node: treat them as read-only.
 * - a file that disappears between listing and reading is simply absent; a missing folder is an empty folder;
 *   nothing thrown inside a watcher callback escapes (errors go to opts.onError).
 */
export class ManifestDir {
  readonly dir: string;
  private readonly opts: Required<Omit<ManifestDirOptions, 'onError'>> & Pick<ManifestDirOptions, 'onError'>;
  private shared: Files = new Map();
  private readonly perNode = new Map<string, Files>();
  private readonly reported = new Map<string, string>();
  private readonly watches = new Map<string, Watch>();
  private readonly parsed = new Map<string, Entry>();
  private queue: Promise<void> = Promise.resolve();
  private dirty = { shared: false, nodes: new Set<string>() };
  private debounce: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /**
   * @param dir the manifest folder (made absolute)
   * @param nodes the node names of this process, asked at every scan
   * @param onChange receives a node's full file → parse-result map (see the class comment for when)
   */
  constructor(
    dir: string,
    private readonly nodes: () => string[],
    private readonly onChange: (node: string, byFile: Map<string, ManifestResult>) => void,
    opts: ManifestDirOptions = {},
  ) {
    this.dir = resolve(dir);
    this.opts = { rescanMs: opts.rescanMs ?? 20_000, debounceMs: opts.debounceMs ?? 50, maxWatches: opts.maxWatches ?? 256, onError: opts.onError };
  }

  /** Creates the folder and every node's subfolder, scans, reports every node once, then starts watching. */
  async start(): Promise<void> {
    this.stopped = false;
    this.reported.clear();
    await mkdir(this.dir, { recursive: true });
    await pool(this.nodes(), 64, (n) => mkdir(join(this.dir, n), { recursive: true }).then(() => undefined));
    await this.rescan();
    if (this.opts.rescanMs > 0) {
      this.timer = setInterval(() => void this.rescan().catch((e: unknown) => this.fail(e)), this.opts.rescanMs);
      this.timer.unref();
    }
  }

  /** Re-reads everything; calls onChange for the nodes whose manifests changed. */
  rescan(): Promise<void> {
    return this.enqueue(async () => {
      this.dirty = { shared: false, nodes: new Set() };
      await this.scan(true, this.nodes());
    });
  }

  /** Starts serving a node the caller just added: creates its folder, scans it and reports it once. */
  addNode(name: string): Promise<void> {
    return this.enqueue(async () => {
      await mkdir(join(this.dir, name), { recursive: true });
      this.reported.delete(name);
      await this.scan(false, [name]);
    });
  }

  /** Forgets a node: no more reports for it, its folder is no longer watched (the folder itself stays). */
  removeNode(name: string): void {
    this.perNode.delete(name);
    this.reported.delete(name);
    this.unwatch(join(this.dir, name));
  }

  /** Stops watching and the periodic rescan; a scan in progress finishes without reporting. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = this.debounce = undefined;
    for (const path of [...this.watches.keys()]) this.unwatch(path);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private fail(err: unknown): void {
    try {
      this.opts.onError?.(err);
    } catch {
      // an error reporter that throws has nowhere left to report to
    }
  }

  /** Reads the shared files (when asked) and the given nodes' folders, then reports what changed. */
  private async scan(withShared: boolean, requested: readonly string[]): Promise<void> {
    const known = new Set(this.nodes());
    let names = requested;
    if (withShared) {
      this.shared = await this.readFolder(this.dir);
      for (const n of [...this.perNode.keys()]) if (!known.has(n)) this.removeNode(n);
      names = [...new Set([...requested, ...[...known].filter((n) => !this.perNode.has(n))])];
    }
    await pool(names, 64, async (n) => {
      const folder = join(this.dir, n);
      if (!this.perNode.has(n)) await mkdir(folder, { recursive: true }).catch((e: unknown) => this.fail(e));
      this.perNode.set(n, await this.readFolder(folder));
    });
    const report = withShared ? [...known].filter((n) => this.perNode.has(n)) : names;
    for (const n of report) this.report(n);
  }

  private report(node: string): void {
    if (this.stopped) return;
    const own = this.perNode.get(node);
    if (own === undefined) return;
    const all = [...this.shared, ...own].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const h = createHash('md5');
    for (const [file, e] of all) h.update(`${file}\0${e.text}\0`);
    const sig = h.digest('hex');
    if (this.reported.get(node) === sig) return;
    this.reported.set(node, sig);
    try {
      this.onChange(node, new Map(all.map(([file, e]) => [file, e.result])));
    } catch (err) {
      this.fail(err);
    }
  }

  /** The manifest files directly in `folder`; a missing folder is empty. Also (re)arms the folder's watch. */
  private async readFolder(folder: string): Promise<Files> {
    const out: Files = new Map();
    let names: string[];
    try {
      const st = await stat(folder);
      this.ensureWatch(folder, st.ino);
      names = (await readdir(folder)).filter(isManifestFile).sort();
    } catch (err) {
      this.unwatch(folder);
      if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') this.fail(err);
      return out;
    }
    for (const name of names) {
      const entry = await this.readManifest(join(folder, name));
      if (entry !== undefined) out.set(join(folder, name), entry);
    }
    return out;
  }

  private async readManifest(file: string): Promise<Entry | undefined> {
    let text: string;
    try {
      const st = await stat(file);
      if (!st.isFile()) return undefined;
      if (st.size > MAX_FILE_BYTES) return { text: `\0size:${st.size}:${st.mtimeMs}`, result: { ok: false, error: `${file}: larger than ${MAX_FILE_BYTES} bytes` } };
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      const msg = `${file}: ${(err as Error).message}`;
      return { text: `\0error:${msg}`, result: { ok: false, error: msg } };
    }
    const cached = this.parsed.get(file);
    if (cached !== undefined && cached.text === text) return cached;
    const entry = { text, result: parseManifest(text, file) };
    if (this.parsed.size > 10_000) this.parsed.clear();
    this.parsed.set(file, entry);
    return entry;
  }

  private ensureWatch(folder: string, ino: number): void {
    if (this.stopped) return;
    const have = this.watches.get(folder);
    if (have !== undefined && have.ino === ino) return;
    if (have !== undefined) this.unwatch(folder);
    if (this.watches.size >= this.opts.maxWatches) return;
    try {
      const watcher = watch(folder, { persistent: false }, (_event, name) => this.onEvent(folder, name === null ? undefined : String(name)));
      watcher.on('error', () => this.unwatch(folder));
      this.watches.set(folder, { watcher, ino });
    } catch (err) {
      if (code(err) !== 'ENOENT' && code(err) !== 'ENOSPC' && code(err) !== 'EMFILE') this.fail(err);
    }
  }

  private unwatch(folder: string): void {
    const w = this.watches.get(folder);
    if (w === undefined) return;
    this.watches.delete(folder);
    try {
      w.watcher.close();
    } catch {
      // already closed
    }
  }

  /** A file-system event: mark what it touches and re-read it after the debounce. */
  private onEvent(folder: string, name: string | undefined): void {
    try {
      if (this.stopped) return;
      if (folder === this.dir) {
        if (name !== undefined && this.perNode.has(name)) this.dirty.nodes.add(name);
        else this.dirty.shared = true;
      } else {
        this.dirty.nodes.add(folder.slice(this.dir.length + 1));
      }
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.flush(), this.opts.debounceMs);
      this.debounce.unref();
    } catch (err) {
      this.fail(err);
    }
  }

  private flush(): void {
    this.debounce = undefined;
    const { shared, nodes } = this.dirty;
    this.dirty = { shared: false, nodes: new Set() };
    void this.enqueue(async () => {
      if (shared) await this.scan(true, [...nodes]);
      else await this.scan(false, [...nodes].filter((n) => this.perNode.has(n)));
    }).catch((e: unknown) => this.fail(e));
  }
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
