// Unknown fields in a server-side apply configuration, found as structured-merge-diff's typed conversion finds them.

import type { FieldNode } from '../openapi/field-tree.js';
import { childSchema, elementOf, listKind } from '../patch/apply-schema.js';
import { fieldElement, pathString, type PathElement } from '../patch/field-set.js';
import type { SchemaNode } from '../patch/strategic-schema.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/*
 * Assumptions (sigs.k8s.io/structured-merge-diff typed.AsTyped, run on every apply whatever fieldValidation says):
 * - a struct key its schema does not declare is `<path>: field not declared in schema`, and the rest of that struct
 *   is not looked at; maps and untyped values (RawExtension, Quantity, …) take anything;
 * - paths are structured-merge-diff's: `.field`, `[key="v",…]` for elements of associative lists, `[i]` otherwise;
 * - values of the wrong type are left to the typed decoding that runs before.
 */
function walk(node: FieldNode, value: unknown, schema: SchemaNode, path: PathElement[], out: string[]): void {
  if (typeof value !== 'object' || value === null) return;
  switch (node.t) {
    case 'struct':
      if (!isObject(value)) return;
      for (const k in value) {
        const field = node.fields.get(k);
        if (field === undefined) {
          out.push(`${pathString([...path, fieldElement(k)])}: field not declared in schema`);
          return;
        }
        walk(field, value[k], childSchema(schema, k), [...path, fieldElement(k)], out);
      }
      return;
    case 'map':
      if (!isObject(value)) return;
      for (const k in value) walk(node.elem, value[k], schema, [...path, fieldElement(k)], out);
      return;
    case 'list': {
      if (!Array.isArray(value)) return;
      const kind = listKind(schema);
      value.forEach((item, i) => {
        const pe = kind.type === 'map' ? (elementOf(kind, item, i) ?? `i:${i}`) : `i:${i}`;
        walk(node.elem, item, schema, [...path, pe], out);
      });
      return;
    }
    default:
      return;
  }
}

/**
 * Why a configuration does not convert to its kind's typed form because of undeclared fields (structured-merge-diff's
 * ValidationErrors text: one error alone, or `errors:` and one indented line each), or undefined.
 */
export function undeclaredFields(node: FieldNode, config: Record<string, unknown>, schema: SchemaNode): string | undefined {
  const out: string[] = [];
  walk(node, config, schema, [], out);
  if (out.length === 0) return undefined;
  return out.length === 1 ? out[0] : ['errors:', ...out.map((e) => `  ${e}`)].join('\n');
}
