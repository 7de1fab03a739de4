// Child process of level-crash.test.ts: writes to a level store without pause and prints every acknowledged write.
// Usage: node level-crash-child.mjs <dir> <round> <workers>. Output lines: `open <revision>`, then `<C|U|D> <key> <revision>`.
import { openLevelStorage } from '../../dist/apiserver/storage/level.js';

const [dir, round, workers] = process.argv.slice(2);
if (!dir || !round || !workers) throw new Error('usage: level-crash-child.mjs <dir> <round> <workers>');
const storage = await openLevelStorage({ path: dir, logRetention: 1_000_000 });
const enc = new TextEncoder();
const ack = (op, key, revision) => process.stdout.write(`${op} ${key} ${revision}\n`);
process.stdout.write(`open ${await storage.currentRevision()}\n`);

/** Per key n: create; if n % 3 === 0 update; if n % 5 === 0 delete. One write in flight per worker. */
async function worker(w) {
  for (let n = 0; ; n++) {
    const key = `/crash/${round}/${w}/${n}`;
    const c = await storage.create(key, enc.encode(`${key}@c`));
    ack('C', key, c.modRevision);
    let rev = c.modRevision;
    if (n % 3 === 0) {
      const u = await storage.update(key, enc.encode(`${key}@u`), rev);
      ack('U', key, (rev = u.modRevision));
    }
    if (n % 5 === 0) ack('D', key, (await storage.delete(key, rev)).modRevision);
  }
}
await Promise.all(Array.from({ length: Number(workers) }, (_, w) => worker(w)));
