// PodSpec validation with upstream's field paths, error types and messages (pkg/apis/core/validation, 1.32).

import type { FieldError } from '../api/status.js';
import { isPlainObject } from '../api/types.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidLabelValue, regexError, validateLabelName, validateLabels } from '../api/validation.js';
import { type Obj, forbidden, invalid, isSet, list, notSupported, obj, required, str } from './field-errors.js';

// Assumptions / Invariants: the rules below are upstream ValidatePodSpec's, in its order, for the fields users
// write (containers, init containers, ports, env, volume mounts, probes' handlers, volumes' names and sources,
// restart and DNS policies, node selector, service account and node names, deadlines, host and subdomain names,
// tolerations, priority class, preemption policy). Security contexts, affinity, DNS config, topology spread,
// resources and the many volume plugins are not checked. Values of the wrong JSON type count as Go's zero value.

/**
 * Names already found valid (container, volume, port and env var names recur in every pod of a workload): a set
 * lookup instead of the regular expressions. Bounded; cleared when full.
 */
const VALID_DNS_LABELS = new Set<string>();
const VALID_PORT_NAMES = new Set<string>();
const VALID_ENV_NAMES = new Set<string>();

function remember(set: Set<string>, value: string): void {
  if (set.size >= 10_000) set.clear();
  set.add(value);
}

/** isDNS1123Label's messages, remembering the names that have none. */
function dnsLabelErrors(name: string): string[] {
  if (VALID_DNS_LABELS.has(name)) return [];
  const msgs = isDNS1123Label(name);
  if (msgs.length === 0) remember(VALID_DNS_LABELS, name);
  return msgs;
}

/** How a PodSpec is being validated. */
export interface PodSpecOptions {
  /** The spec is a Pod's (not a template's): host ports must equal container ports under hostNetwork. */
  isPod: boolean;
}

const PORT_RANGE = 'must be between 1 and 65535, inclusive';

/** Upstream validation.IsValidPortName. */
export function isValidPortName(port: string): string[] {
  if (VALID_PORT_NAMES.has(port)) return [];
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  if (errs.length === 0) remember(VALID_PORT_NAMES, port);
  return errs;
}

const validPort = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

/** Upstream validateContainerPorts (paths are built only for errors: this runs for every pod create). */
function validateContainerPorts(ports: unknown, path: string, errs: FieldError[]): void {
  if (!Array.isArray(ports)) return;
  let names: Set<string> | undefined;
  for (let i = 0; i < ports.length; i++) {
    const port = obj(ports[i]);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${path}[${i}].name`, name, m));
      else if (names?.has(name)) errs.push({ type: 'Duplicate', field: `${path}[${i}].name`, value: name });
      else (names ??= new Set()).add(name);
    }
    if (!port.containerPort) errs.push(required(`${path}[${i}].containerPort`));
    else if (!validPort(port.containerPort)) errs.push(invalid(`${path}[${i}].containerPort`, port.containerPort, PORT_RANGE));
    if (port.hostPort && !validPort(port.hostPort)) errs.push(invalid(`${path}[${i}].hostPort`, port.hostPort, PORT_RANGE));
    const protocol = str(port.protocol);
    if (!protocol) errs.push(required(`${path}[${i}].protocol`));
    else if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') errs.push(notSupported(`${path}[${i}].protocol`, protocol, ['SCTP', 'TCP', 'UDP']));
  }
}

const ENV_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const ENV_NAME = new RegExp(`^${ENV_NAME_FMT}$`);
const ENV_NAME_MSG = regexError(
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
  ENV_NAME_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1',
);

/** Upstream ValidateEnv (names; IsEnvVarName, RelaxedEnvironmentVariableValidation being off in 1.32). */
function validateEnv(env: unknown, path: string, errs: FieldError[]): void {
  if (!Array.isArray(env)) return;
  for (let i = 0; i < env.length; i++) {
    const name = str(obj(env[i]).name);
    if (VALID_ENV_NAMES.has(name)) continue;
    if (name && ENV_NAME.test(name) && name !== '.' && !name.startsWith('..')) {
      remember(VALID_ENV_NAMES, name);
      continue;
    }
    const at = `${path}[${i}].name`;
    if (!name) errs.push(required(at));
    else {
      if (!ENV_NAME.test(name)) errs.push(invalid(at, name, ENV_NAME_MSG));
      if (name === '.') errs.push(invalid(at, name, "must not be '.'"));
      else if (name === '..') errs.push(invalid(at, name, "must not be '..'"));
      else if (name.startsWith('..')) errs.push(invalid(at, name, "must not start with '..'"));
    }
  }
}

/** Upstream ValidateVolumeMounts: a name that is a valid volume, a unique mount path. */
function validateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, path: string, errs: FieldError[]): void {
  if (!Array.isArray(mounts)) return;
  const points: string[] = [];
  for (let i = 0; i < mounts.length; i++) {
    const mount = obj(mounts[i]);
    const name = str(mount.name);
    const mountPath = str(mount.mountPath);
    if (!name) errs.push(required(`${path}[${i}].name`));
    if (!volumes.has(name)) errs.push({ type: 'NotFound', field: `${path}[${i}].name`, value: name });
    if (!mountPath) errs.push(required(`${path}[${i}].mountPath`));
    if (points.includes(mountPath)) errs.push(invalid(`${path}[${i}].mountPath`, mountPath, 'must be unique'));
    points.push(mountPath);
  }
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

/** Upstream validateHandler for probes: exactly one handler type. */
function validateProbe(probe: unknown, path: string, errs: FieldError[]): void {
  if (!isSet(probe)) return;
  const p = obj(probe);
  const set = HANDLERS.filter((h) => isSet(p[h]));
  if (set.length === 0) errs.push(required(path, 'must specify a handler type'));
  else if (set.length > 1) errs.push(forbidden(`${path}.${set[1]}`, 'may not specify more than 1 handler type'));
}

/** Upstream validateContainerCommon: name, image, termination message policy, ports, env, mounts, pull policy. */
function validateContainerCommon(c: Obj, volumes: ReadonlySet<string>, path: string, errs: FieldError[]): void {
  const name = str(c.name);
  if (!name) errs.push(required(`${path}.name`));
  else for (const m of dnsLabelErrors(name)) errs.push(invalid(`${path}.name`, name, m));
  if (!str(c.image)) errs.push(required(`${path}.image`));
  const tmp = str(c.terminationMessagePolicy);
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  validateContainerPorts(c.ports, `${path}.ports`, errs);
  validateEnv(c.env, `${path}.env`, errs);
  validateVolumeMounts(c.volumeMounts, volumes, `${path}.volumeMounts`, errs);
  const pull = str(c.imagePullPolicy);
  if (!pull) errs.push(required(`${path}.imagePullPolicy`));
  else if (pull !== 'IfNotPresent' && pull !== 'Always' && pull !== 'Never') errs.push(notSupported(`${path}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
}

/** Upstream validateContainers: at least one, unique names, probes, no restartPolicy. */
function validateContainers(containers: unknown, volumes: ReadonlySet<string>, path: string, errs: FieldError[]): void {
  const cs = list(containers);
  if (cs.length === 0) {
    errs.push(required(path));
    return;
  }
  const names = new Set<string>();
  cs.forEach((x, i) => {
    const c = obj(x);
    const at = `${path}[${i}]`;
    validateContainerCommon(c, volumes, at, errs);
    const name = str(c.name);
    if (names.has(name)) errs.push({ type: 'Duplicate', field: `${at}.name`, value: name });
    else names.add(name);
    for (const probe of PROBES) if (isSet(c[probe])) validateProbe(c[probe], `${at}.${probe}`, errs);
    if (isSet(c.restartPolicy)) errs.push(forbidden(`${at}.restartPolicy`, 'may not be set for non-init containers'));
  });
}

const INIT_FORBIDDEN = 'may not be set for init containers without restartPolicy=Always';

/** Upstream validateInitContainers: common rules, names unique across regular and init containers, sidecars. */
function validateInitContainers(inits: unknown, containers: unknown, volumes: ReadonlySet<string>, path: string, errs: FieldError[]): void {
  if (!Array.isArray(inits) || inits.length === 0) return;
  const names = new Set(list(containers).map((c) => str(obj(c).name)));
  inits.forEach((x, i) => {
    const c = obj(x);
    const at = `${path}[${i}]`;
    validateContainerCommon(c, volumes, at, errs);
    let sidecar = false;
    if (isSet(c.restartPolicy)) {
      const rp = str(c.restartPolicy);
      if (rp !== 'Always') errs.push(notSupported(`${at}.restartPolicy`, rp, ['Always']));
      sidecar = rp === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) errs.push({ type: 'Duplicate', field: `${at}.name`, value: name });
    else if (name) names.add(name);
    for (const probe of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (!isSet(c[probe])) continue;
      if (!sidecar) errs.push(forbidden(`${at}.${probe}`, INIT_FORBIDDEN));
      else if (probe !== 'lifecycle') validateProbe(c[probe], `${at}.${probe}`, errs);
    }
  });
}

/** The volume source fields a Volume may set, with the name each requires (upstream validateVolumeSource). */
const SOURCE_NAMES: Readonly<Record<string, string | undefined>> = {
  hostPath: 'path', emptyDir: undefined, secret: 'secretName', persistentVolumeClaim: 'claimName', configMap: 'name',
  downwardAPI: undefined, projected: undefined, ephemeral: undefined, nfs: undefined, iscsi: undefined, csi: undefined,
  image: undefined, gitRepo: undefined, glusterfs: undefined, rbd: undefined, flexVolume: undefined, cinder: undefined,
  cephfs: undefined, flocker: undefined, fc: undefined, azureFile: undefined, vsphereVolume: undefined, quobyte: undefined,
  azureDisk: undefined, photonPersistentDisk: undefined, portworxVolume: undefined, scaleIO: undefined, storageos: undefined,
  gcePersistentDisk: undefined, awsElasticBlockStore: undefined,
};

/** Upstream ValidateVolumes (names and source counts): returns the names mounts may use. */
function validateVolumes(volumes: unknown, path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(volumes)) return names;
  for (let i = 0; i < volumes.length; i++) {
    const v = obj(volumes[i]);
    let first: string | undefined;
    let second: string | undefined;
    for (const k in v) {
      if (!(k in SOURCE_NAMES) || !isSet(v[k])) continue;
      if (first === undefined) first = k;
      else if (second === undefined) second = k;
    }
    const name = str(v.name);
    const key = first === undefined ? undefined : SOURCE_NAMES[first];
    const valid = first !== undefined && second === undefined && (!key || str(obj(v[first])[key]) !== '')
      && name !== '' && dnsLabelErrors(name).length === 0 && !names.has(name);
    if (valid) {
      names.add(name);
      continue;
    }
    const at = `${path}[${i}]`;
    if (first === undefined) errs.push(required(at, 'must specify a volume type'));
    else if (second !== undefined) errs.push(forbidden(`${at}.${second}`, 'may not specify more than 1 volume type'));
    else if (key && !str(obj(v[first])[key])) errs.push(required(`${at}.${first}.${key}`));
    if (!name) errs.push(required(`${at}.name`));
    else for (const m of isDNS1123Label(name)) errs.push(invalid(`${at}.name`, name, m));
    if (names.has(name)) errs.push({ type: 'Duplicate', field: `${at}.name`, value: name });
  }
  return names;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Upstream validateTaintEffect. */
export function validateTaintEffect(effect: string, allowEmpty: boolean, field: string): FieldError[] {
  if (!allowEmpty && effect === '') return [required(field)];
  return TAINT_EFFECTS.includes(effect) ? [] : [notSupported(field, effect, TAINT_EFFECTS)];
}

/** Upstream ValidateTolerations. */
export function validateTolerations(tolerations: unknown, path: string, errs: FieldError[] = []): FieldError[] {
  list(tolerations).forEach((x, i) => {
    const t = obj(x);
    const at = `${path}[${i}]`;
    const key = str(t.key);
    const operator = str(t.operator);
    const value = str(t.value);
    const effect = str(t.effect);
    if (key) errs.push(...validateLabelName(key, `${at}.key`));
    if (!key && operator !== 'Exists') {
      errs.push(invalid(`${at}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (isSet(t.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(invalid(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(invalid(`${at}.operator`, value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value) errs.push(invalid(`${at}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else errs.push(notSupported(`${at}.operator`, operator, ['Equal', 'Exists']));
    if (effect) errs.push(...validateTaintEffect(effect, true, `${at}.effect`));
  });
  return errs;
}

const VALID_SUBDOMAINS = new Set<string>();

function subdomainErrors(field: string, value: unknown, errs: FieldError[]): void {
  const s = str(value);
  if (!s || VALID_SUBDOMAINS.has(s)) return;
  const msgs = isDNS1123Subdomain(s);
  if (msgs.length === 0) remember(VALID_SUBDOMAINS, s);
  for (const m of msgs) errs.push(invalid(field, s, m));
}

/** The checks of ValidatePodSpec after the containers, in upstream's order. */
function validatePodSpecFields(spec: Obj, path: string, opts: PodSpecOptions, errs: FieldError[]): void {
  if (spec.hostNetwork === true) {
    list(spec.containers).forEach((c, i) => {
      list(obj(c).ports).forEach((p, j) => {
        const port = obj(p);
        const hp = port.hostPort ?? 0;
        if ((opts.isPod || hp !== 0) && hp !== (port.containerPort ?? 0)) {
          errs.push(invalid(`${path}.containers[${i}].ports[${j}].hostPort`, hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  const restart = str(spec.restartPolicy);
  if (!restart) errs.push(required(`${path}.restartPolicy`));
  else if (restart !== 'Always' && restart !== 'OnFailure' && restart !== 'Never') errs.push(notSupported(`${path}.restartPolicy`, restart, ['Always', 'OnFailure', 'Never']));
  const dns = str(spec.dnsPolicy);
  const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (!dns) errs.push(required(`${path}.dnsPolicy`));
  else if (dns !== 'ClusterFirst' && !dnsPolicies.includes(dns)) errs.push(notSupported(`${path}.dnsPolicy`, dns, dnsPolicies));
  if (isPlainObject(spec.nodeSelector)) {
    for (const e of validateLabels(spec.nodeSelector as Record<string, string>, `${path}.nodeSelector`)) errs.push(e);
  }
  subdomainErrors(`${path}.serviceAccountName`, spec.serviceAccountName, errs);
  subdomainErrors(`${path}.nodeName`, spec.nodeName, errs);
  if (isSet(spec.activeDeadlineSeconds)) {
    const v = spec.activeDeadlineSeconds;
    if (typeof v !== 'number' || v < 1 || v > 2147483647) errs.push(invalid(`${path}.activeDeadlineSeconds`, v, 'must be between 1 and 2147483647, inclusive'));
  }
  for (const k of ['hostname', 'subdomain'] as const) {
    const s = str(spec[k]);
    if (s) for (const m of isDNS1123Label(s)) errs.push(invalid(`${path}.${k}`, s, m));
  }
  validateTolerations(spec.tolerations, `${path}.tolerations`, errs);
  subdomainErrors(`${path}.priorityClassName`, spec.priorityClassName, errs);
  if (isSet(spec.preemptionPolicy)) {
    const p = str(spec.preemptionPolicy);
    if (!p) errs.push(required(`${path}.preemptionPolicy`));
    else if (p !== 'PreemptLowerPriority' && p !== 'Never') errs.push(notSupported(`${path}.preemptionPolicy`, p, ['PreemptLowerPriority', 'Never']));
  }
}

/** Upstream ValidatePodSpec (the parts listed at the top of this file), at `path` (`spec`, `spec.template.spec`). */
export function validatePodSpec(specValue: unknown, path: string, opts: PodSpecOptions): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  if (!isSet(spec.terminationGracePeriodSeconds)) errs.push(required(`${path}.terminationGracePeriodSeconds`));
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`, errs);
  validateContainers(spec.containers, volumes, `${path}.containers`, errs);
  validateInitContainers(spec.initContainers, spec.containers, volumes, `${path}.initContainers`, errs);
  validatePodSpecFields(spec, path, opts, errs);
  return errs;
}

/** Pod-only checks (validateContainersOnlyForPod): images without surrounding whitespace. */
export function validatePodOnlyContainers(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  for (const kind of ['containers', 'initContainers'] as const) {
    list(spec[kind]).forEach((c, i) => {
      const image = str(obj(c).image);
      if (image !== image.trim()) errs.push(invalid(`spec.${kind}[${i}].image`, image, 'must not have leading or trailing whitespace'));
    });
  }
  return errs;
}
