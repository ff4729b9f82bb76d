// The lab's network features, in the order plan-lab.ts composes them: within
// each phase a host's steps come feature by feature in this order (the host
// itself first; the overlay's backends before masquerade, as flanneld
// programs them; kube-proxy's rules, then the portmap plugin's, as a node
// loads them; the pods' responders, whose waits end the plan, then
// kube-router's NetworkPolicy rules in the same last phase, so that its jumps
// sit at the head of the built-in chains).
// A new feature goes where its steps belong in that order.
import type { NetworkFeature } from './network-feature';
import { cniBridge } from './features/cni-bridge';
import { clusterDnsFeature } from './features/cluster-dns';
import { docker0 } from './features/docker0';
import { flannel } from './features/flannel';
import { flannelHostGw } from './features/flannel-host-gw';
import { flannelVxlan } from './features/flannel-vxlan';
import { hostBase } from './features/host-base';
import { hostPort } from './features/hostport';
import { internet } from './features/internet';
import { kubeProxy } from './features/kube-proxy';
import { masquerade } from './features/masquerade';
import { networkPolicy } from './features/network-policy';
import { publish } from './features/publish';
import { responders } from './features/responders';

export const NETWORK_FEATURES: readonly NetworkFeature[] = [hostBase, internet, docker0, cniBridge, flannel, flannelVxlan, flannelHostGw, masquerade, publish, kubeProxy, hostPort, clusterDnsFeature, responders, networkPolicy];
