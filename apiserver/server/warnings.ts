// Warning response headers (`Warning: 299 - "text"`), recorded per request as kube-apiserver's warning recorder does.

import type { FastifyReply } from 'fastify';

/** Upstream's budget: past this many runes in total, every warning is cut to TRUNCATE_ITEM_RUNES. */
const TRUNCATE_AT_TOTAL_RUNES = 4 * 1024;
const TRUNCATE_ITEM_RUNES = 256;

interface Recorded {
  texts: string[];
  seen: Set<string>;
}

const recorders = new WeakMap<FastifyReply, Recorded>();

/** `299 - "<text>"` with `"` and `\` escaped (net.NewWarningHeader), as the latin1 string of its UTF-8 bytes. */
function header(text: string): string {
  return Buffer.from(`299 - "${text.replace(/["\\]/g, (c) => `\\${c}`)}"`, 'utf8').toString('latin1');
}

const runes = (s: string): number => [...s].length;

/**
 * Adds a warning to the response (kubectl prints each as `Warning: <text>` on stderr). Invariants (upstream
 * recorder): empty texts and texts with control characters are dropped, repeats are dropped, and once the total
 * passes 4096 runes every warning is cut to 256 runes.
 */
export function addWarning(reply: FastifyReply, text: string): void {
  // eslint-disable-next-line no-control-regex
  if (text === '' || /[\u0000-\u001f\u007f-\u009f]/.test(text)) return;
  let rec = recorders.get(reply);
  if (!rec) recorders.set(reply, (rec = { texts: [], seen: new Set() }));
  if (rec.seen.has(text)) return;
  rec.seen.add(text);
  rec.texts.push(text);
  const total = rec.texts.reduce((n, t) => n + runes(t), 0);
  const cut = (t: string): string => (total > TRUNCATE_AT_TOTAL_RUNES && runes(t) > TRUNCATE_ITEM_RUNES ? [...t].slice(0, TRUNCATE_ITEM_RUNES).join('') : t);
  reply.header('warning', rec.texts.map((t) => header(cut(t))));
}
