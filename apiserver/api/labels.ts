// Label selectors: parse the query-string form, convert metav1.LabelSelector, match, print, as apimachinery does.

import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { badRequest } from './status.js';
import { isQualifiedName, isValidLabelValue } from './validation.js';

/** Requirement operators, spelled as upstream selection.Operator. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One `key op values` term; a selector is the AND of its requirements. */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** A parsed selector: requirements sorted by key, or the selector that matches nothing. */
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly matchesNothing: boolean;
}

/** Matches every label set (upstream labels.Everything). */
export const EVERYTHING: Selector = Object.freeze({ requirements: Object.freeze([]), matchesNothing: false });
/** Matches no label set (upstream labels.Nothing; a nil metav1.LabelSelector). */
export const NOTHING: Selector = Object.freeze({ requirements: Object.freeze([]), matchesNothing: true });

/** A selector that does not parse or a requirement that is invalid; message is upstream's error text. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

const BINARY_OPERATORS: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

// ---- requirement construction (upstream labels.NewRequirement) ----

/** Go's %q for a string, close enough for label text (JSON escaping). */
const quote = (s: string): string => JSON.stringify(s);
/** Go's %#v for a []string; empty lists only reach messages from LabelSelectorAsSelector, where they are nil. */
const goStrings = (vals: readonly string[]): string => (vals.length ? `[]string{${vals.map(quote).join(', ')}}` : '[]string(nil)');
/** Go field.Error.Error(): `path: Invalid value: <v>: detail` (the path is printed even when empty). */
const invalidMsg = (path: string, rendered: string, detail: string): string => `${path}: Invalid value: ${rendered}: ${detail}`;

/** utilerrors.Aggregate.Error(): one message as is, several deduplicated inside `[..., ...]`. */
function aggregate(msgs: readonly string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(', ')}]`;
}

/** Go strconv.ParseInt(s, 10, 64); undefined when it would fail. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > 9223372036854775807n || n < -9223372036854775808n ? undefined : n;
}

function keyErrors(key: string, path: string): string[] {
  const msgs = isQualifiedName(key);
  return msgs.length ? [invalidMsg(path, quote(key), msgs.join('; '))] : [];
}

function operatorErrors(op: Operator, vals: readonly string[]): string[] {
  switch (op) {
    case 'in':
    case 'notin':
      return vals.length === 0 ? [invalidMsg('values', goStrings(vals), "for 'in', 'notin' operators, values set can't be empty")] : [];
    case '=':
    case '==':
    case '!=':
      return vals.length !== 1 ? [invalidMsg('values', goStrings(vals), 'exact-match compatibility requires one single value')] : [];
    case 'exists':
    case '!':
      return vals.length !== 0 ? [invalidMsg('values', goStrings(vals), 'values set must be empty for exists and does not exist')] : [];
    case 'gt':
    case 'lt': {
      const errs = vals.length !== 1 ? [invalidMsg('values', goStrings(vals), "for 'Gt', 'Lt' operators, exactly one value is required")] : [];
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalidMsg(`values[${i}]`, quote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      return errs;
    }
  }
}

/**
 * Builds a validated requirement (upstream labels.NewRequirement with no field path): throws
 * LabelSelectorError whose message is upstream's aggregated field errors, e.g.
 * `values[0][app]: Invalid value: "-x": a valid label must be …`.
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const errs = [...keyErrors(key, 'key'), ...operatorErrors(operator, values)];
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(invalidMsg(`values[${i}][${key}]`, quote(v), msgs.join('; ')));
  });
  if (errs.length) throw new LabelSelectorError(aggregate(errs));
  return { key, operator, values: [...values] };
}

// ---- lexer (upstream labels.Lexer) ----

type Token =
  | 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

interface Item {
  tok: Token;
  lit: string;
}

const KEYWORDS: ReadonlyMap<string, Token> = new Map<string, Token>(
  [')', ',', '!', '==', '=', '>', 'in', '<', '!=', 'notin', '('].map((t) => [t, t as Token]),
);
const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => c.length === 1 && '=!(),><'.includes(c);

// Assumptions / Invariants: as upstream, a NUL character ends the input, special symbols
// are scanned greedily while the buffer still spells a token ("!=" but "!" then "("), and
// any other run of non-blank, non-special characters is an identifier or keyword.
class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): string {
    if (this.pos >= this.s.length) return '\0';
    return this.s[this.pos++]!;
  }

  private unread(): void {
    this.pos--;
  }

  private scanIdOrKeyword(): Item {
    let buf = '';
    for (let c = this.read(); c !== '\0'; c = this.read()) {
      if (isSpecial(c) || isWhitespace(c)) {
        this.unread();
        break;
      }
      buf += c;
    }
    return { tok: KEYWORDS.get(buf) ?? 'id', lit: buf };
  }

  private scanSpecial(): Item {
    let buf = '';
    let last: Item | undefined;
    for (let c = this.read(); c !== '\0'; c = this.read()) {
      if (!isSpecial(c)) {
        this.unread();
        break;
      }
      buf += c;
      const tok = KEYWORDS.get(buf);
      if (tok) last = { tok, lit: buf };
      else if (last) {
        this.unread();
        break;
      }
    }
    return last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` };
  }

  /** Next token and its literal. */
  lex(): Item {
    let c = this.read();
    while (isWhitespace(c)) c = this.read();
    if (c === '\0') return { tok: 'eos', lit: '' };
    this.unread();
    return isSpecial(c) ? this.scanSpecial() : this.scanIdOrKeyword();
  }
}

// ---- parser (upstream labels.Parser) ----

type Context = 'keyAndOperator' | 'values';

/** Sorted distinct strings, as Go sets.String.List(). */
const sortedSet = (s: Set<string>): string[] => [...s].sort(compareStrings);

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class Parser {
  private readonly items: Item[] = [];
  private position = 0;

  constructor(input: string) {
    const lexer = new Lexer(input);
    for (let item = lexer.lex(); ; item = lexer.lex()) {
      this.items.push(item);
      if (item.tok === 'eos') break;
    }
  }

  private view(item: Item, ctx: Context): Item {
    return ctx === 'values' && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  }

  private lookahead(ctx: Context): Item {
    return this.view(this.items[this.position]!, ctx);
  }

  private consume(ctx: Context): Item {
    return this.view(this.items[this.position++]!, ctx);
  }

  /** The whole selector: requirements separated by commas. */
  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('values');
      if (tok === 'eos') return reqs;
      if (tok !== 'id' && tok !== '!') throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      reqs.push(this.requirementOrWrap());
      const next = this.consume('values');
      if (next.tok === 'eos') return reqs;
      if (next.tok !== ',') throw new LabelSelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead('values');
      if (after.tok !== 'id' && after.tok !== '!') throw new LabelSelectorError(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private requirementOrWrap(): Requirement {
    try {
      return this.requirement();
    } catch (e) {
      if (e instanceof LabelSelectorError) throw new LabelSelectorError(`unable to parse requirement: ${e.message}`);
      throw e;
    }
  }

  private requirement(): Requirement {
    const { key, operator } = this.keyAndInferredOperator();
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.valueSet() : this.exactValue();
    return newRequirement(key, op, sortedSet(values));
  }

  private keyAndInferredOperator(): { key: string; operator: Operator | undefined } {
    let operator: Operator | undefined;
    let item = this.consume('values');
    if (item.tok === '!') {
      operator = '!';
      item = this.consume('values');
    }
    if (item.tok !== 'id') throw new LabelSelectorError(`found '${item.lit}', expected: identifier`);
    const msgs = isQualifiedName(item.lit);
    if (msgs.length) throw new LabelSelectorError(invalidMsg('<nil>', quote(item.lit), msgs.join('; ')));
    const next = this.lookahead('values').tok;
    if ((next === 'eos' || next === ',') && operator !== '!') operator = 'exists';
    return { key: item.lit, operator };
  }

  private operator(): Operator {
    const { tok, lit } = this.consume('keyAndOperator');
    const ops: Partial<Record<Token, Operator>> = { in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=' };
    const op = ops[tok];
    if (!op) throw new LabelSelectorError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    return op;
  }

  private valueSet(): Set<string> {
    const open = this.consume('values');
    if (open.tok !== '(') throw new LabelSelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('values');
    if (tok === ')') {
      this.consume('values');
      return new Set(['']);
    }
    if (tok !== 'id' && tok !== ',') throw new LabelSelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    const s = this.identifierList();
    if (this.consume('values').tok !== ')') throw new LabelSelectorError(`found '${lit}', expected: ')'`);
    return s;
  }

  // Assumptions / Invariants: as upstream, empty entries ("(,a)", "(a,,b)", "(a,)") add the
  // empty string to the set.
  private identifierList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume('values');
      if (tok === 'id') {
        s.add(lit);
        const next = this.lookahead('values');
        if (next.tok === ')') return s;
        if (next.tok !== ',') throw new LabelSelectorError(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === ',') {
        if (s.size === 0) s.add('');
        const next = this.lookahead('values').tok;
        if (next === ')') {
          s.add('');
          return s;
        }
        if (next === ',') {
          this.consume('values');
          s.add('');
        }
      } else {
        throw new LabelSelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): Set<string> {
    const ahead = this.lookahead('values').tok;
    if (ahead === 'eos' || ahead === ',') return new Set(['']);
    const { tok, lit } = this.consume('values');
    if (tok === 'id') return new Set([lit]);
    throw new LabelSelectorError(`found '${lit}', expected: identifier`);
  }
}

/** Sorts requirements by key, keeping input order among equal keys (upstream sort.Sort(ByKey) on short lists). */
function byKey(reqs: readonly Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => compareStrings(a.key, b.key));
}

/**
 * Parses a label selector string as upstream labels.Parse: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-joined, blanks ignored. Throws LabelSelectorError
 * with upstream's message, e.g. `unable to parse requirement: found '(', expected: identifier`.
 */
export function parseLabelSelector(input: string): Selector {
  const reqs = new Parser(input).parse();
  return { requirements: byKey(reqs), matchesNothing: false };
}

/** Parses the `labelSelector` query parameter; a bad one is a 400 with upstream's message, as kube-apiserver answers. */
export function parseLabelSelectorParam(value: string | undefined): Selector {
  if (!value) return EVERYTHING;
  try {
    return parseLabelSelector(value);
  } catch (e) {
    if (e instanceof LabelSelectorError) throw badRequest(e.message);
    throw e;
  }
}

// ---- matching and printing ----

function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      const actual = has ? parseInt64(value) : undefined;
      const wanted = r.values.length === 1 ? parseInt64(r.values[0]!) : undefined;
      if (actual === undefined || wanted === undefined) return false;
      return r.operator === 'gt' ? actual > wanted : actual < wanted;
    }
  }
}

/** True when every requirement holds for the labels (an absent key fails `in`/`=`/`exists`/`gt`/`lt`, passes `notin`/`!=`/`!`). */
export function matches(selector: Selector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector.matchesNothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, set));
}

/** True for a selector that does not restrict (upstream Selector.Empty). */
export function isEverything(selector: Selector): boolean {
  return !selector.matchesNothing && selector.requirements.length === 0;
}

const OPERATOR_TEXT: Readonly<Record<Operator, string>> = {
  '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '',
};

/** Upstream Requirement.String: `!a`, `a`, `a=b`, `a in (x,y)` (values sorted). */
export function requirementToString(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort(compareStrings).join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return `${r.key}${OPERATOR_TEXT[r.operator]}${body}`;
}

/** Upstream Selector.String: requirements joined by `,`; empty for EVERYTHING and NOTHING. */
export function selectorToString(selector: Selector): string {
  return selector.matchesNothing ? '' : selector.requirements.map(requirementToString).join(',');
}

/** Upstream labels.SelectorFromSet: `k=v` for each entry, sorted by key; no validation. */
export function selectorFromSet(set: Readonly<Record<string, string>> | undefined): Selector {
  const reqs = Object.entries(set ?? {}).map(([key, v]): Requirement => ({ key, operator: '=', values: [v] }));
  return { requirements: byKey(reqs), matchesNothing: false };
}

const EXPRESSION_OPERATORS: ReadonlyMap<string, Operator> = new Map<string, Operator>([
  ['In', 'in'],
  ['NotIn', 'notin'],
  ['Exists', 'exists'],
  ['DoesNotExist', '!'],
]);

/**
 * Upstream metav1.LabelSelectorAsSelector: null/undefined matches nothing, `{}` everything;
 * matchLabels become `=`, matchExpressions In/NotIn/Exists/DoesNotExist. Throws LabelSelectorError
 * (e.g. `"Foo" is not a valid label selector operator`).
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (!ls) return NOTHING;
  const labels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (labels.length + exprs.length === 0) return EVERYTHING;
  const reqs = labels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const e of exprs) {
    const op = EXPRESSION_OPERATORS.get(e.operator);
    if (!op) throw new LabelSelectorError(`${quote(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return { requirements: byKey(reqs), matchesNothing: false };
}

/** selectorFromLabelSelector, treating a selector that does not convert (any error) as matching nothing. */
export function safeSelector(ls: LabelSelector | null | undefined): Selector {
  try {
    return selectorFromLabelSelector(ls);
  } catch {
    return NOTHING;
  }
}

/** The selector string kubectl sends for a workload's spec.selector (LabelSelectorAsSelector(ls).String()). */
export function labelSelectorAsString(ls: LabelSelector | null | undefined): string {
  return selectorToString(selectorFromLabelSelector(ls));
}

/** Upstream metav1.FormatLabelSelector, as `kubectl describe` prints it: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  try {
    return labelSelectorAsString(ls) || '<none>';
  } catch (e) {
    if (e instanceof LabelSelectorError) return '<error>';
    throw e;
  }
}
