// Table tests for label selector parsing, matching, printing and metav1.LabelSelector conversion.

import { describe, expect, it } from 'vitest';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import {
  EVERYTHING,
  NOTHING,
  formatLabelSelector,
  isEverything,
  labelSelectorAsString,
  matches,
  newRequirement,
  parseLabelSelector,
  parseLabelSelectorParam,
  selectorFromLabelSelector,
  selectorFromSet,
  selectorToString,
} from './labels.js';
import { ApiError } from './status.js';

/** What fn throws (undefined when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const QNAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector round trip (upstream Requirement/Selector.String)', () => {
  it.each([
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['', ''],
    ['x!=a,y=b', 'x!=a,y=b'],
    ['x=', 'x='],
    ['x= ', 'x='],
    ['x=,z= ', 'x=,z='],
    ['!x', '!x'],
    ['x>1', 'x>1'],
    ['x>1,z<5', 'x>1,z<5'],
    ['a==b', 'a==b'],
    ['z=c,a=b', 'a=b,z=c'],
    ['x in (b,a,b)', 'x in (a,b)'],
    ['  env  notin  ( prod , dev )  ', 'env notin (dev,prod)'],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['in in (in),notin', 'in in (in),notin'],
    ['!example.com/skip,app.kubernetes.io/name=web', 'app.kubernetes.io/name=web,!example.com/skip'],
    ['\n a\t=\tb , c \r', 'a=b,c'],
    ['x=a \u0000garbage(', 'x=a'],
    ['kubernetes.io/cluster-service=true', 'kubernetes.io/cluster-service=true'],
  ])('%j → %j', (input, want) => {
    expect(selectorToString(parseLabelSelector(input))).toBe(want);
  });
});

describe('parseLabelSelector errors (upstream labels.Parse messages)', () => {
  it.each([
    ['a=(b', "unable to parse requirement: found '(', expected: identifier"],
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_MSG}`],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['a=b)', "found ')', expected: ',' or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a=b\tc', "found 'c', expected: ',' or 'end of string'"],
    ['a,,b', "found ',', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a badoperator', "unable to parse requirement: found 'badoperator', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['x<a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x>99999999999999999999', `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['*bar', `unable to parse requirement: <nil>: Invalid value: "*bar": name part ${QNAME_MSG}`],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${VALUE_MSG}`],
    [
      'a in (-x,-y)',
      `unable to parse requirement: [values[0][a]: Invalid value: "-x": ${VALUE_MSG}, values[1][a]: Invalid value: "-y": ${VALUE_MSG}]`,
    ],
    ['a=' + 'v'.repeat(64), `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
  ])('%j', (input, message) => {
    expect((thrown(() => parseLabelSelector(input)) as Error).message).toBe(message);
  });
});

describe('parseLabelSelectorParam', () => {
  it('answers 400 BadRequest with the parse message, as kube-apiserver', () => {
    const err = thrown(() => parseLabelSelectorParam('a=(b'));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toMatchObject({ code: 400, reason: 'BadRequest', message: "unable to parse requirement: found '(', expected: identifier" });
  });

  it.each([undefined, ''])('treats %j as everything', (value) => {
    expect(isEverything(parseLabelSelectorParam(value))).toBe(true);
  });
});

describe('matches', () => {
  it.each<[string, Record<string, string> | undefined, boolean]>([
    ['a=b', { a: 'b' }, true],
    ['a=b', { a: 'c' }, false],
    ['a=b', {}, false],
    ['a==b', { a: 'b' }, true],
    ['a!=b', {}, true],
    ['a!=b', { a: 'b' }, false],
    ['a!=b', { a: 'c' }, true],
    ['a in (x,y)', { a: 'y' }, true],
    ['a in (x,y)', { a: 'z' }, false],
    ['a in (x,y)', undefined, false],
    ['a notin (x)', {}, true],
    ['a notin (x)', { a: 'x' }, false],
    ['a', { a: '' }, true],
    ['a', {}, false],
    ['!a', {}, true],
    ['!a', { a: 'x' }, false],
    ['a>1', { a: '2' }, true],
    ['a>1', { a: '1' }, false],
    ['a>1', { a: 'x' }, false],
    ['a>1', {}, false],
    ['a<1', { a: '0' }, true],
    ['a<1', { a: '-5' }, true],
    ['a=', { a: '' }, true],
    ['a=', {}, false],
    ['', undefined, true],
    ['app=web,tier notin (db),!canary', { app: 'web', tier: 'fe' }, true],
    ['app=web,tier notin (db),!canary', { app: 'web', canary: 'y' }, false],
    ['constructor', {}, false],
  ])('%j on %j → %s', (selector, labels, want) => {
    expect(matches(parseLabelSelector(selector), labels)).toBe(want);
  });

  it('NOTHING matches nothing, EVERYTHING everything', () => {
    expect(matches(NOTHING, {})).toBe(false);
    expect(matches(EVERYTHING, { a: 'b' })).toBe(true);
  });
});

describe('selectorFromLabelSelector / labelSelectorAsString / formatLabelSelector', () => {
  it.each<[string, LabelSelector | undefined, string, string]>([
    ['nil', undefined, '', '<none>'],
    ['empty', {}, '', '<none>'],
    ['matchLabels sorted', { matchLabels: { b: '2', a: '1' } }, 'a=1,b=2', 'a=1,b=2'],
    [
      'expressions',
      {
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'tier', operator: 'DoesNotExist' },
          { key: 'app', operator: 'Exists' },
          { key: 'zone', operator: 'NotIn', values: ['b'] },
        ],
      },
      'app,env in (dev,prod),!tier,zone notin (b)',
      'app,env in (dev,prod),!tier,zone notin (b)',
    ],
    ['labels before expressions on equal keys', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] }, 'app=web,app', 'app=web,app'],
  ])('%s', (_name, ls, asString, formatted) => {
    expect(labelSelectorAsString(ls)).toBe(asString);
    expect(formatLabelSelector(ls)).toBe(formatted);
  });

  it.each<[string, LabelSelector | undefined, Record<string, string>, boolean]>([
    ['nil matches nothing', undefined, {}, false],
    ['empty matches everything', {}, { any: 'x' }, true],
    ['matchLabels', { matchLabels: { app: 'web' } }, { app: 'web', x: 'y' }, true],
    ['In', { matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }] }, { env: 'b' }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, { env: 'b' }, false],
  ])('%s', (_name, ls, labels, want) => {
    expect(matches(selectorFromLabelSelector(ls), labels)).toBe(want);
  });

  it.each<[string, LabelSelector, string]>([
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid label selector operator'],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, `values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist`],
    ['bad key', { matchLabels: { '-a': 'x' } }, `key: Invalid value: "-a": name part ${QNAME_MSG}`],
  ])('%s', (_name, ls, message) => {
    expect((thrown(() => selectorFromLabelSelector(ls)) as Error).message).toBe(message);
    expect(formatLabelSelector(ls)).toBe('<error>');
  });
});

describe('newRequirement and selectorFromSet', () => {
  it.each([
    ['=', ['a', 'b'], `values: Invalid value: []string{"a", "b"}: exact-match compatibility requires one single value`],
    ['gt', ['1', '2'], `values: Invalid value: []string{"1", "2"}: for 'Gt', 'Lt' operators, exactly one value is required`],
  ] as const)('%s %j', (op, values, message) => {
    expect((thrown(() => newRequirement('k', op, values)) as Error).message).toBe(message);
  });

  it('selectorFromSet sorts keys and matches exactly', () => {
    const sel = selectorFromSet({ z: '1', a: '2' });
    expect(selectorToString(sel)).toBe('a=2,z=1');
    expect(matches(sel, { a: '2', z: '1' })).toBe(true);
    expect(isEverything(selectorFromSet(undefined))).toBe(true);
  });
});
