// LabSpec + Allocation → per-host ordered steps. Pure: `podnet up --dry-run`
// prints exactly this, and the unit tests snapshot it for every built-in lab.
import type { Allocation, HostAllocation } from '../ipam/allocation';
import type { LabSpec } from '../spec/lab-spec';
import { bridgeSteps } from './bridge';
import { dockerDaemonSteps, dockerEndpointSteps, dockerPublishChainSteps, publishSteps, type DockerBridge } from './docker-iptables';
import { flannelForwardSteps, flannelMasqSteps } from './flannel-iptables';
import { flannelConflistStep, flannelPodFilesSteps } from './flannel-cni';
import { flannelStateSteps } from './flannel-state';
import { hostGwSteps } from './host-gw';
import { hostStateFile } from './host-state-file';
import { internetNodePlan, readyMarker } from './internet-node';
import { prefixLen } from '../ipam/cidr';
import { NO_DNS_RESOLV_CONF, namesOf, type PlanContext } from './plan-context';
import { underlayPortSteps } from './underlay-port';
import { podHostSteps, podNetnsSteps } from './pod';
import { responderScriptStep, responderSteps, waitForResponder } from './responder';
import { cmd, type HostPlan, type LabPlan, type Step } from './step';
import { vxlanDeviceSteps, vxlanPeerSteps } from './vxlan';

export function planLab(spec: LabSpec, allocation: Allocation, ctx: PlanContext): LabPlan {
  const hosts = allocation.hosts.map((h) => planHost(spec, allocation, h, ctx));
  if (allocation.internet) hosts.push(internetNodePlan(allocation, ctx));
  return { lab: spec.name, hosts };
}

function planHost(spec: LabSpec, allocation: Allocation, host: HostAllocation, ctx: PlanContext): HostPlan {
  const net = spec.network;
  const flannel = allocation.flannel;
  const serving = host.pods.filter((p) => p.serve !== null);
  const netnsOf = (pod: string) => ctx.podNetns(host.name, pod);
  const names = namesOf(ctx);

  const base: Step[] = [{ kind: 'sysctl', key: 'net.ipv4.ip_forward', value: '1' }, hostStateFile(spec, allocation, host, ctx)];
  if (ctx.isolated) {
    base.push({ kind: 'file', path: '/etc/resolv.conf', content: NO_DNS_RESOLV_CONF, mode: 0o644 });
    base.push(...underlayPortSteps(host.underlayDev, host.underlayIp, prefixLen(allocation.underlay.subnet!)));
  }
  if (allocation.internet) base.push(cmd('ip', 'route', 'replace', 'default', 'via', allocation.internet.underlayIp, 'dev', host.underlayDev));
  if (serving.length > 0) base.push(responderScriptStep(ctx.stateDir));

  const docker: DockerBridge = { bridge: host.bridge.name, subnet: host.bridge.subnet, version: net.dockerRules, names };
  const podInputs = host.pods.map((pod) => ({ pod, netns: netnsOf(pod.name), bridge: host.bridge, clusterCidr: net.mode === 'pod-cidr' ? net.cidr : null, hairpin: net.mode === 'pod-cidr' }));
  const pods: Step[] = [
    ...bridgeSteps(host.bridge),
    ...podInputs.flatMap(podHostSteps),
    ...podInputs.flatMap(podNetnsSteps),
    ...(net.mode === 'docker0' ? [...dockerDaemonSteps(docker, net.masquerade), ...host.pods.flatMap((p) => dockerEndpointSteps(docker, p))] : []),
    ...(flannel ? flannelPodFilesSteps(spec.name, host, flannel, ctx.cniRoot) : []),
    ...serving.flatMap((p) => responderSteps({ stateDir: ctx.stateDir, netns: netnsOf(p.name), who: `${host.name}/${p.name}`, ip: p.ip, port: p.serve! })),
  ];

  const overlay: Step[] = [];
  if (flannel && host.lease) {
    overlay.push(...flannelStateSteps(host, allocation.hosts, flannel, ctx.stateDir, ctx.flannelRunDir), flannelConflistStep(ctx.cniRoot));
    if (flannel.backend === 'vxlan') overlay.push(...vxlanDeviceSteps(host, flannel), ...vxlanPeerSteps(host, allocation.hosts, flannel));
    if (flannel.backend === 'host-gw') overlay.push(...hostGwSteps(host, allocation.hosts));
    if (flannel.backend !== 'none') overlay.push(...flannelForwardSteps(flannel.network, names));
    if (flannel.ipMasq) overlay.push(...flannelMasqSteps(flannel.network, host.lease, names));
  }

  const published = spec.publish.filter((p) => p.host === host.name);
  const publishing: Step[] = [];
  if (published.length > 0 && net.mode === 'pod-cidr') publishing.push(...dockerPublishChainSteps(docker));
  for (const p of published) publishing.push(...publishSteps(docker, p, host.pods.find((x) => x.name === p.to)!));

  const ready: Step[] = [...serving.map((p) => waitForResponder({ netns: netnsOf(p.name), port: p.serve! })), readyMarker(ctx)];

  return {
    host: host.name,
    role: 'host',
    phases: [
      { phase: 'hosts', steps: base },
      { phase: 'pods', steps: pods },
      { phase: 'overlay', steps: overlay },
      { phase: 'publishing', steps: publishing },
      { phase: 'ready', steps: ready },
    ],
  };
}
