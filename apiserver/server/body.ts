// Request bodies as JSON values: JSON and YAML text parsed under the nesting limit, with `__proto__` keys made inert.

import type { Document } from 'yaml';
import { yamlLib } from '../api/yaml-lib.js';
import { MAX_NESTING_DEPTH, jsonTextTooDeep, sanitizeJson } from '../api/json-value.js';
import { goJsonSyntaxError } from '../api/go-text.js';
import { duplicateKeys } from './yaml-duplicates.js';

/** A body that does not decode; the message is the decoder's text as upstream words it (no request context). */
export class BodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Bodies above this size are scanned for nesting before they are parsed (a deep 3 MiB body parses slowly). */
const PRESCAN_BYTES = 64 * 1024;

/**
 * Parses a JSON body. Nesting beyond MAX_NESTING_DEPTH is refused (Go's scanner message): large bodies are scanned
 * before parsing, small ones checked after (V8's JSON.parse does not recurse, so depth cannot hurt it). Syntax
 * errors keep the parser's text, and `__proto__` keys are dropped so that they are inert everywhere after.
 */
export function parseJsonText(raw: Uint8Array): unknown {
  const deep = raw.length > PRESCAN_BYTES ? jsonTextTooDeep(raw) : undefined;
  if (deep) throw new BodyError(`invalid character '${deep}' exceeded max depth`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch (e) {
    throw new BodyError(goJsonSyntaxError(raw, (e as Error).message));
  }
  const problem = sanitizeJson(value);
  if (problem?.tooDeep) throw new BodyError(`invalid character '${problem.tooDeep}' exceeded max depth`);
  return value;
}

// ---- YAML ----

interface Level {
  col: number;
  seq: boolean;
}

/** The block structure of a YAML text seen one token at a time: a stack of open collections by column. */
class BlockLevels {
  readonly stack: Level[] = [];

  /** The first node on a line at column `col`: closes deeper levels, opens one when it is deeper. */
  lineStart(col: number, seq: boolean): void {
    const s = this.stack;
    for (let top = s.at(-1); top && (top.col > col || (top.col === col && top.seq && !seq)); top = s.at(-1)) s.pop();
    const top = s.at(-1);
    if (!top || top.col < col || (top.col === col && seq && !top.seq)) s.push({ col, seq });
  }

  /** A node after `-`, `?` or `:` on the same line (compact nesting): one more level. */
  nested(col: number, seq: boolean): void {
    this.stack.push({ col, seq });
  }
}

const INDICATORS = new Set(['seq-item-ind', 'explicit-key-ind', 'map-value-ind']);
const ZERO_WIDTH = new Set(['doc-mode', 'scalar', 'flow-error-end', 'byte-order-mark']);

/**
 * An upper bound of the nesting depth of a YAML text, from its tokens and without building nodes (the yaml
 * composer recurses per level): flow brackets plus block levels by indentation and compact `- `/`? ` nesting.
 * It exceeds the true depth by at most one. Stops counting once the bound passes `stopAbove`.
 */
export function yamlDepthBound(text: string, stopAbove: number): number {
  const levels = new BlockLevels();
  let max = 0;
  let flow = 0;
  let col = 0;
  let lineStart = true;
  let afterIndicator = false;
  let scalarNext = false;
  let blockNext = false;
  const { CST, Lexer } = yamlLib();
  for (const tok of new Lexer().lex(text)) {
    const type: string | null = scalarNext ? 'source' : CST.tokenType(tok);
    scalarNext = type === 'scalar';
    const start = col;
    const nl = tok.lastIndexOf('\n');
    if (!ZERO_WIDTH.has(type ?? '')) col = nl >= 0 ? tok.length - nl - 1 : col + tok.length;
    if (type === 'newline') {
      lineStart = flow === 0;
      afterIndicator = false;
      continue;
    }
    if (type === 'doc-start' || type === 'doc-end') {
      levels.stack.length = 0;
      flow = 0;
      continue;
    }
    if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1);
    const content = type === 'source' || type === 'alias' || type === 'block-scalar-header' || INDICATORS.has(type ?? '')
      || type === 'flow-seq-start' || type === 'flow-map-start' || (type ?? '').endsWith('quoted-scalar');
    if (!content) continue;
    if (type === 'source' && blockNext) {
      blockNext = false;
      lineStart = tok.endsWith('\n') && flow === 0;
      continue;
    }
    if (flow === 0) {
      const seq = type === 'seq-item-ind';
      if (lineStart) levels.lineStart(start, seq);
      else if (afterIndicator) levels.nested(start, seq);
      lineStart = false;
      afterIndicator = INDICATORS.has(type ?? '');
    }
    blockNext = type === 'block-scalar-header';
    if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    max = Math.max(max, levels.stack.length + flow);
    if (max > stopAbove) return max;
  }
  return max;
}

type YamlNode = NonNullable<Document['contents']>;

/** The children of a node for depth counting, and whether the node itself is a collection level. */
function childrenOf(node: unknown, doc: Document): { kids: unknown[]; level: boolean } {
  const { isAlias, isMap, isPair, isSeq } = yamlLib();
  if (isMap(node) || isSeq(node)) return { kids: node.items as unknown[], level: true };
  if (isPair(node)) {
    if (isMap(node.key) || isSeq(node.key)) {
      throw new BodyError(`Unsupported map key of type: ${isSeq(node.key) ? '[]interface {}' : 'map[interface {}]interface {}'}`);
    }
    return { kids: [node.key, node.value], level: false };
  }
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) throw new BodyError(`yaml: unknown anchor '${node.source}' referenced`);
    return { kids: [target], level: false };
  }
  return { kids: [], level: false };
}

interface Frame {
  node: unknown;
  kids: unknown[];
  next: number;
  deepest: number;
  level: boolean;
}

/**
 * The nesting depth of a composed document with aliases expanded (an alias can nest its anchor anywhere), computed
 * without recursion and memoized per node; refuses an anchor that contains itself. Stops once past `limit`.
 */
function expandedDepth(doc: Document, root: YamlNode, limit: number): number {
  const { isAlias } = yamlLib();
  const memo = new Map<unknown, number>();
  const open = new Set<unknown>();
  const stack: Frame[] = [];
  const enter = (node: unknown): void => {
    open.add(node);
    stack.push({ node, ...childrenOf(node, doc), next: 0, deepest: 0 });
  };
  enter(root);
  let result = 0;
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.next < f.kids.length) {
      const kid = f.kids[f.next++];
      if (kid === null || typeof kid !== 'object') continue;
      if (open.has(kid)) throw new BodyError(`yaml: anchor '${isAlias(f.node) ? f.node.source : ''}' value contains itself`);
      const known = memo.get(kid);
      if (known !== undefined) f.deepest = Math.max(f.deepest, known);
      else enter(kid);
      continue;
    }
    stack.pop();
    open.delete(f.node);
    result = f.deepest + (f.level ? 1 : 0);
    if (result > limit) return result;
    memo.set(f.node, result);
    const parent = stack[stack.length - 1];
    if (parent) parent.deepest = Math.max(parent.deepest, result);
  }
  return result;
}

function composed(text: string, uniqueKeys: boolean): Document {
  let doc: Document;
  try {
    doc = yamlLib().parseDocument(text, { uniqueKeys });
  } catch (e) {
    throw new BodyError(`yaml: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc.errors.length) throw new BodyError(`yaml: ${doc.errors[0]!.message.split('\n')[0]}`);
  return doc;
}

function toJs(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const msg = (e as Error).message;
    throw new BodyError(/alias count/i.test(msg) ? 'yaml: document contains excessive aliasing' : `yaml: ${msg.split('\n')[0]}`);
  }
}

/**
 * Parses a YAML body (one document) to a JSON value, as upstream's YAML-to-JSON conversion: the depth bound is
 * checked on tokens before any node is built, alias expansion is bounded (depth here, count in toJS), and the
 * result must be JSON (no `.inf`, no tagged types). Messages are go-yaml style (`yaml: …`, `json: …`).
 */
export function parseYamlText(raw: Uint8Array): unknown {
  return parseYaml(raw, true).value;
}

/**
 * As parseYamlText, but a key given twice in a map is no error: the last value wins (go-yaml's non-strict decoding),
 * and each repeat is listed as go-yaml's strict decoder words it (`line 3: key "a" already set in map`).
 */
export function parseYamlKeepingDuplicates(raw: Uint8Array): { value: unknown; duplicates: string[] } {
  const { value, doc, text } = parseYaml(raw, false);
  return { value, duplicates: duplicateKeys(doc, text) };
}

function parseYaml(raw: Uint8Array, uniqueKeys: boolean): { value: unknown; doc: Document; text: string } {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  const tooDeep = `yaml: exceeded max depth of ${MAX_NESTING_DEPTH}`;
  if (yamlDepthBound(text, MAX_NESTING_DEPTH + 1) > MAX_NESTING_DEPTH + 1) throw new BodyError(tooDeep);
  const doc = composed(text, uniqueKeys);
  if (doc.contents && expandedDepth(doc, doc.contents, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) throw new BodyError(tooDeep);
  const value = toJs(doc);
  const problem = sanitizeJson(value, MAX_NESTING_DEPTH, true);
  if (problem?.tooDeep) throw new BodyError(tooDeep);
  if (problem?.unsupported) throw new BodyError(`json: unsupported value: ${problem.unsupported}`);
  return { value, doc, text };
}
