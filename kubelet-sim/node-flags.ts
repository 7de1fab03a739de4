// The kubelet simulator's node flags: defaults, parsing from CLI strings, and validation with clear messages.

import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../apiserver/api/validation.js';
import type { Taint } from '../apiserver/api/types.js';
import { MAX_NODE_INDEX } from './node-addresses.js';
import { positiveQuantity } from './node-quantity.js';

/** What one simulator process simulates: how many nodes, their names, placement, labels, taints and size. */
export interface SimFlags {
  /** Total nodes in this process, control planes included. */
  nodes: number;
  /** How many of `nodes` are control-plane nodes (named and tainted as kubeadm does). */
  controlPlanes: number;
  namePrefix: string;
  zones: string[];
  region: string;
  /** Extra labels on every node (`--node-labels`); they win over the default labels on registration. */
  labels: Record<string, string>;
  /** Taints registered on worker nodes (`--register-with-taints`); control planes keep kubeadm's taint only. */
  taints: Taint[];
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
}

/** kind-like defaults: one control plane and two workers spread over three zones, 4 cpu / 16Gi / 110 pods each. */
export const DEFAULT_SIM_FLAGS: SimFlags = Object.freeze({
  nodes: 3,
  controlPlanes: 1,
  namePrefix: 'kubeling',
  zones: ['zone-a', 'zone-b', 'zone-c'],
  region: 'local',
  labels: {},
  taints: [],
  cpu: '4',
  memory: '16Gi',
  pods: '110',
  ephemeralStorage: '100Gi',
}) as SimFlags;

/** Taint effects the API accepts. */
export const TAINT_EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Parsed CLI flags as a generic parser leaves them: `--name value` → `{ name: 'value' }`, bare `--name` → true. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/**
 * SimFlags from CLI strings (`nodes`, `control-planes`, `name-prefix`, `zones`, `region`, `node-labels`,
 * `register-with-taints`, `cpu`, `memory`, `max-pods`, `ephemeral-storage`; leading dashes on keys are ignored).
 * Absent flags keep DEFAULT_SIM_FLAGS; keys this function does not know are left for other parts of the process.
 * Throws an Error whose message names the flag and the problem.
 */
export function parseSimFlags(argv: FlagValues): SimFlags {
  const get = (name: string): string | undefined => {
    const v = argv[name] ?? argv[`--${name}`];
    if (v === undefined || v === false) return undefined;
    if (v === true) throw new Error(`flag --${name} needs a value`);
    return v;
  };
  const d = DEFAULT_SIM_FLAGS;
  const nodes = get('nodes');
  const cps = get('control-planes');
  const zones = get('zones');
  const labels = get('node-labels');
  const taints = get('register-with-taints');
  const n = nodes === undefined ? d.nodes : count('nodes', nodes);
  const flags: SimFlags = {
    nodes: n,
    // without --control-planes, a small --nodes (0) keeps as many control planes as fit
    controlPlanes: cps === undefined ? Math.min(d.controlPlanes, n) : count('control-planes', cps),
    namePrefix: get('name-prefix') ?? d.namePrefix,
    zones: zones === undefined ? [...d.zones] : zones.split(',').map((z) => z.trim()),
    region: get('region') ?? d.region,
    labels: labels === undefined ? { ...d.labels } : parseLabelList(labels),
    taints: taints === undefined ? [...d.taints] : parseTaintList(taints),
    cpu: get('cpu') ?? d.cpu,
    memory: get('memory') ?? d.memory,
    pods: get('max-pods') ?? d.pods,
    ephemeralStorage: get('ephemeral-storage') ?? d.ephemeralStorage,
  };
  validateSimFlags(flags);
  return flags;
}

function count(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new Error(`invalid value ${JSON.stringify(value)} for --${flag}: expected a whole number`);
  return Number(value.trim());
}

/** `k=v,k2=v2` → labels; keys must be qualified names and values valid label values. */
export function parseLabelList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`invalid label ${JSON.stringify(item)} in --node-labels: expected key=value`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) throw new Error(`invalid label key ${JSON.stringify(key)} in --node-labels: ${keyErrs.join('; ')}`);
    const valErrs = isValidLabelValue(value);
    if (valErrs.length > 0) throw new Error(`invalid label value ${JSON.stringify(value)} for key ${JSON.stringify(key)} in --node-labels: ${valErrs.join('; ')}`);
    out[key] = value;
  }
  return out;
}

/** `k=v:Effect,k2:Effect` → taints (the `--register-with-taints` syntax); the effect is required. */
export function parseTaintList(text: string): Taint[] {
  const out: Taint[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    out.push(parseTaint(item));
  }
  return out;
}

function parseTaint(spec: string): Taint {
  const parts = spec.split(':');
  if (parts.length !== 2) throw new Error(`invalid taint ${JSON.stringify(spec)} in --register-with-taints: expected key=value:Effect or key:Effect`);
  const [kv = '', effect = ''] = parts;
  if (!TAINT_EFFECTS.includes(effect)) {
    throw new Error(`invalid taint ${JSON.stringify(spec)} in --register-with-taints: effect ${JSON.stringify(effect)} must be one of ${TAINT_EFFECTS.join(', ')}`);
  }
  const eq = kv.indexOf('=');
  const key = eq < 0 ? kv : kv.slice(0, eq);
  const value = eq < 0 ? undefined : kv.slice(eq + 1);
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) throw new Error(`invalid taint key ${JSON.stringify(key)} in --register-with-taints: ${keyErrs.join('; ')}`);
  const valErrs = value === undefined ? [] : isValidLabelValue(value);
  if (valErrs.length > 0) throw new Error(`invalid taint value ${JSON.stringify(value)} in --register-with-taints: ${valErrs.join('; ')}`);
  return value === undefined || value === '' ? { key, effect } : { key, value, effect };
}

/** Node names the flags produce for the given ordinal (1-based): `<prefix>-worker`, `<prefix>-worker2`, … */
export function nodeName(prefix: string, role: 'control-plane' | 'worker', ordinal: number): string {
  return `${prefix}-${role}${ordinal > 1 ? ordinal : ''}`;
}

/**
 * Throws an Error describing the first problem in `flags`: counts, names (every generated name must be a DNS-1123
 * subdomain and, being the hostname label, a valid label value), zones, region and quantities.
 */
export function validateSimFlags(flags: SimFlags): void {
  if (!Number.isSafeInteger(flags.nodes) || flags.nodes < 0) throw new Error(`invalid --nodes ${flags.nodes}: expected a whole number`);
  if (flags.nodes > MAX_NODE_INDEX + 1) throw new Error(`invalid --nodes ${flags.nodes}: at most ${MAX_NODE_INDEX + 1} nodes can be addressed`);
  if (!Number.isSafeInteger(flags.controlPlanes) || flags.controlPlanes < 0 || flags.controlPlanes > flags.nodes) {
    throw new Error(`invalid --control-planes ${flags.controlPlanes}: expected a whole number no larger than --nodes (${flags.nodes})`);
  }
  const longest = [nodeName(flags.namePrefix, 'control-plane', flags.controlPlanes), nodeName(flags.namePrefix, 'worker', flags.nodes - flags.controlPlanes)];
  for (const name of longest) {
    const errs = [...isDNS1123Subdomain(name), ...isValidLabelValue(name)];
    if (errs.length > 0) throw new Error(`invalid --name-prefix ${JSON.stringify(flags.namePrefix)}: node name ${JSON.stringify(name)}: ${errs.join('; ')}`);
  }
  if (flags.zones.length === 0) throw new Error('invalid --zones: at least one zone is required');
  for (const z of flags.zones) {
    const errs = z === '' ? ['must be non-empty'] : isValidLabelValue(z);
    if (errs.length > 0) throw new Error(`invalid zone ${JSON.stringify(z)} in --zones: ${errs.join('; ')}`);
  }
  const regionErrs = flags.region === '' ? ['must be non-empty'] : isValidLabelValue(flags.region);
  if (regionErrs.length > 0) throw new Error(`invalid --region ${JSON.stringify(flags.region)}: ${regionErrs.join('; ')}`);
  positiveQuantity('cpu', flags.cpu);
  positiveQuantity('memory', flags.memory);
  positiveQuantity('max-pods', flags.pods, true);
  positiveQuantity('ephemeral-storage', flags.ephemeralStorage);
}
