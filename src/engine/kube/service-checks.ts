// What a real apiserver would refuse in a Service or a pod, checked one
// object at a time (conflicts between objects — a ClusterIP or a NodePort
// taken twice — are found where they are allocated, in service-model.ts).
import type { FieldPath } from '../spec/field-path';
import { NODE_PORT_RANGE } from '../ipam/service-ips';
import {
  LABEL_RULE,
  NAMESPACE_RULE,
  PORT_NAME_RULE,
  SERVICE_NAME_RULE,
  isLabelKey,
  isLabelValue,
  isNamespaceName,
  isPortName,
  isServiceName,
} from './kube-object-names';
import type { KubeIssue, KubePodInput, KubeServiceInput } from './service-types';

const error = (path: FieldPath, message: string, hint?: string): KubeIssue => ({ severity: 'error', path, message, ...(hint ? { hint } : {}) });

const isPort = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

export function checkNamespace(namespace: string, path: FieldPath): KubeIssue[] {
  return isNamespaceName(namespace) ? [] : [error(path, `"${namespace}" is not a valid namespace name`, NAMESPACE_RULE)];
}

export function checkLabels(labels: Readonly<Record<string, string>>, path: FieldPath): KubeIssue[] {
  const issues: KubeIssue[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) issues.push({ ...error([...path, key], `"${key}" is not a valid label key`, LABEL_RULE), atKey: true });
    else if (!isLabelValue(value)) issues.push(error([...path, key], `"${value}" is not a valid label value`, LABEL_RULE));
  }
  return issues;
}

export function checkPod(pod: KubePodInput, path: FieldPath): KubeIssue[] {
  return [...checkNamespace(pod.namespace ?? 'default', [...path, 'namespace']), ...checkLabels(pod.labels ?? {}, [...path, 'labels'])];
}

function checkPorts(svc: KubeServiceInput, path: FieldPath): KubeIssue[] {
  const issues: KubeIssue[] = [];
  const type = svc.type ?? 'ClusterIP';
  if (svc.ports.length === 0) issues.push(error([...path, 'ports'], `service ${svc.name} has no ports`, 'give it at least one port, e.g. ports: [{ port: 80 }]'));
  const names = new Set<string>();
  const portProtos = new Set<string>();
  svc.ports.forEach((p, j) => {
    const at = [...path, 'ports', j];
    const name = p.name ?? '';
    if (svc.ports.length > 1 && !name) issues.push(error([...at, 'name'], `port ${j + 1} of service ${svc.name} has no name`, 'a Service with more than one port names each of them'));
    if (name && !isPortName(name)) issues.push(error([...at, 'name'], `"${name}" is not a valid port name`, PORT_NAME_RULE));
    if (name && names.has(name)) issues.push(error([...at, 'name'], `port name "${name}" is used twice in service ${svc.name}`));
    names.add(name);
    if (!isPort(p.port)) issues.push(error([...at, 'port'], `port ${String(p.port)} is not a port number`, 'use 1–65535'));
    if (p.targetPort !== undefined && !isPort(p.targetPort)) issues.push(error([...at, 'targetPort'], `targetPort ${String(p.targetPort)} is not a port number`, 'use 1–65535'));
    const protocol = p.protocol ?? 'TCP';
    if (protocol !== 'TCP' && protocol !== 'UDP') issues.push(error([...at, 'protocol'], `protocol ${String(protocol)} is not supported`, 'use TCP or UDP'));
    const key = `${p.port}/${protocol}`;
    if (portProtos.has(key)) issues.push(error([...at, 'port'], `port ${key} is declared twice in service ${svc.name}`));
    portProtos.add(key);
    if (p.nodePort !== undefined) {
      if (type !== 'NodePort') issues.push(error([...at, 'nodePort'], `nodePort needs type: NodePort (service ${svc.name} is ${type})`, 'set type: NodePort or drop the nodePort'));
      else if (!Number.isInteger(p.nodePort) || p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
        issues.push(error([...at, 'nodePort'], `nodePort ${String(p.nodePort)} is outside the NodePort range ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`, 'pick a port in the range, or leave it out to get one'));
      }
    }
  });
  return issues;
}

/** The checks of one Service on its own. */
export function checkService(svc: KubeServiceInput, path: FieldPath): KubeIssue[] {
  const issues: KubeIssue[] = [];
  const type = svc.type ?? 'ClusterIP';
  if (!isServiceName(svc.name)) issues.push(error([...path, 'name'], `"${svc.name}" is not a valid service name`, SERVICE_NAME_RULE));
  if (svc.namespace !== undefined) issues.push(...checkNamespace(svc.namespace, [...path, 'namespace']));
  if (type !== 'ClusterIP' && type !== 'NodePort' && type !== 'headless') {
    issues.push(error([...path, 'type'], `type ${String(type)} is not supported`, 'use ClusterIP, NodePort or headless'));
  }
  if (type === 'headless' && svc.clusterIP !== undefined && svc.clusterIP !== 'None') {
    issues.push(error([...path, 'clusterIP'], `a headless service has no cluster IP (service ${svc.name} sets ${svc.clusterIP})`, 'drop clusterIP, or use type ClusterIP'));
  }
  if (svc.externalTrafficPolicy !== undefined && svc.externalTrafficPolicy !== 'Cluster' && svc.externalTrafficPolicy !== 'Local') {
    issues.push(error([...path, 'externalTrafficPolicy'], `externalTrafficPolicy ${String(svc.externalTrafficPolicy)} is not one of Cluster, Local`));
  } else if (svc.externalTrafficPolicy === 'Local' && type !== 'NodePort') {
    issues.push(error([...path, 'externalTrafficPolicy'], `externalTrafficPolicy: Local needs type: NodePort (service ${svc.name} is ${type})`, 'set type: NodePort or drop externalTrafficPolicy'));
  }
  if (svc.sessionAffinity !== undefined && svc.sessionAffinity !== 'None' && svc.sessionAffinity !== 'ClientIP') {
    issues.push(error([...path, 'sessionAffinity'], `sessionAffinity ${String(svc.sessionAffinity)} is not one of None, ClientIP`));
  }
  const timeout = svc.sessionAffinityTimeoutSeconds;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 86400)) {
    issues.push(error([...path, 'sessionAffinityTimeoutSeconds'], `timeoutSeconds ${String(timeout)} is outside 1–86400`));
  }
  if (svc.selector) issues.push(...checkLabels(svc.selector, [...path, 'selector']));
  issues.push(...checkPorts(svc, path));
  return issues;
}
