// What the validators share: reading JSON values as Go's zero values, and upstream's field.Error constructors.

import type { FieldError } from '../api/status.js';
import { isPlainObject } from '../api/types.js';

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** A string field, '' when absent or of another type (Go's zero value). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A list field, [] when absent or of another type. */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** An object field, {} when absent or of another type. */
export const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
/** Whether a field is present (not undefined or null). */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** field.Required. */
export const required = (field: string, detail?: string): FieldError => (detail ? { type: 'Required', field, detail } : { type: 'Required', field });
/** field.Invalid. */
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'Invalid', field, value, detail });
/** field.NotSupported. */
export const notSupported = (field: string, value: unknown, supported: string[]): FieldError => ({ type: 'NotSupported', field, value, supported });
/** field.Forbidden. */
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, detail });
