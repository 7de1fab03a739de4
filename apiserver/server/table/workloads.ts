// Printers for the apps group kinds kubeling serves: DaemonSets, StatefulSets and ControllerRevisions.

import type { ControllerRevision, DaemonSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { OwnerReference } from '../../api/types.js';
import { DOC, ageColumn, col, int, nameColumn, wide } from './columns.js';
import { age, asArray, formatLabelSelector, formatLabels, layoutContainerCells, num, str } from './format.js';
import type { TableConvertor } from './types.js';

const DS_DOC = {
  desired:
    'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
  current:
    'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
  ready: 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.',
  updated: 'The total number of nodes that are running updated daemon pod',
  available:
    'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
  selector:
    'A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
} as const;

/** Server-side printer for `daemonsets`. */
export const daemonSetConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    int('Desired', DS_DOC.desired),
    int('Current', DS_DOC.current),
    int('Ready', DS_DOC.ready),
    int('Up-to-date', DS_DOC.updated),
    int('Available', DS_DOC.available),
    col('Node Selector', DOC.nodeSelector),
    ageColumn(),
    wide('Containers', DOC.containers),
    wide('Images', DOC.images),
    wide('Selector', DS_DOC.selector),
  ],
  cells(obj, now) {
    const ds = obj as unknown as DaemonSet;
    const st = ds.status;
    const podSpec = ds.spec?.template?.spec;
    const [names, images] = layoutContainerCells(podSpec?.containers);
    return [
      str(obj.metadata.name),
      num(st?.desiredNumberScheduled),
      num(st?.currentNumberScheduled),
      num(st?.numberReady),
      num(st?.updatedNumberScheduled),
      num(st?.numberAvailable),
      formatLabels(podSpec?.nodeSelector),
      age(obj, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

/** Server-side printer for `statefulsets`. READY is `readyReplicas/replicas` (replicas defaults to 1). */
export const statefulSetConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Ready', 'Number of the pod with ready state'),
    ageColumn(),
    wide('Containers', DOC.containers),
    wide('Images', DOC.images),
  ],
  cells(obj, now) {
    const sts = obj as unknown as StatefulSet;
    const desired = typeof sts.spec?.replicas === 'number' ? sts.spec.replicas : 1;
    const [names, images] = layoutContainerCells(sts.spec?.template?.spec?.containers);
    return [str(obj.metadata.name), `${num(sts.status?.readyReplicas)}/${desired}`, age(obj, now), names, images];
  },
};

/**
 * CONTROLLER: the controlling owner as `<kind>.<group>/<name>` lower-cased
 * (`daemonset.apps/agent`, `pod/x` for the core group), the bare name when the reference
 * has neither kind nor group, and `<none>` without a controller.
 */
export function controllerName(refs: readonly OwnerReference[] | undefined): string {
  const ref = asArray(refs).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = str(ref.apiVersion);
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = str(ref.kind);
  if (kind === '' && group === '') return str(ref.name);
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${str(ref.name)}`;
}

/** Server-side printer for `controllerrevisions`. */
export const controllerRevisionConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Controller', 'Controller of the object'),
    col('Revision', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const cr = obj as unknown as ControllerRevision;
    return [str(obj.metadata.name), controllerName(obj.metadata.ownerReferences), num(cr.revision), age(obj, now)];
  },
};
