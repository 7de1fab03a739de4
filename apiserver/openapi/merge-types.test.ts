// The type graph the merge trees are derived from, checked against the generated schemas.

import { describe, expect, it } from 'vitest';
import { FIELD_TYPES } from '../api/merge-types.js';
import { SCHEMAS } from './generated-schemas.js';
import { refName, type Schema } from './types.js';

/** The named type a field holds (or its list's elements hold). */
function heldType(field: Schema): string | undefined {
  const s = field.type === 'array' ? field.items : field;
  const ref = s?.$ref ?? s?.allOf?.[0]?.$ref;
  return ref === undefined ? undefined : refName(ref);
}

describe('FIELD_TYPES', () => {
  it.each(Object.entries(FIELD_TYPES))('%s', (type, fields) => {
    const schema = SCHEMAS[type];
    expect(schema, type).toBeDefined();
    const wrong = Object.entries(fields).filter(([f, t]) => {
      const fs = schema?.properties?.[f];
      return fs === undefined || heldType(fs) !== t;
    });
    expect(wrong).toEqual([]);
  });
});
