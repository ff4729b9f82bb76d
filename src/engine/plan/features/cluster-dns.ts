// kubernetes.dns: kube-system/kube-dns in front of a DNS server pod on the
// first host, serving what CoreDNS serves (cluster-dns.ts: dnsmasq, Debian
// has no CoreDNS; its configuration beside the Corefile a kubeadm cluster
// would have), and every other pod's resolv.conf as kubelet writes it for
// dnsPolicy ClusterFirst (search list, the kube-dns ClusterIP, ndots:5).
// `ip netns exec` — how a lab enters a pod — binds /etc/netns/<pod>/resolv.conf
// over /etc/resolv.conf, as the runtime mounts the file kubelet wrote.
// The pods reach 10.96.0.10 through kube-proxy's rules (proxyMode none: no one answers there).
import { clusterDns, dnsmasqArgv, podResolvConf } from '../cluster-dns';
import type { HostInput, NetworkFeature } from '../network-feature';
import type { Step } from '../step';
import { clusterOf } from './kube-proxy';

/** Where the DNS server's files are on its host. */
export const dnsDir = (stateDir: string): string => `${stateDir}/kube-dns`;

function dnsSteps(input: HostInput): { pods: Step[]; ready: Step[] } {
  const { spec, host, ctx, netnsOf } = input;
  const kube = spec.kubernetes;
  const cluster = clusterOf(input);
  if (!kube || !cluster?.dnsServiceIp) return { pods: [], ready: [] };
  const pods: Step[] = [];
  const ready: Step[] = [];
  for (const k of kube.pods) {
    if (k.host !== host.name || !host.pods.some((p) => p.name === k.pod)) continue;
    if (kube.dnsPod?.host === k.host && kube.dnsPod.pod === k.pod) {
      // dnsPolicy Default for the DNS server itself: the node's resolv.conf.
      const dir = dnsDir(ctx.stateDir);
      const dns = clusterDns(cluster);
      const netns = netnsOf(k.pod);
      pods.push(
        { kind: 'file', path: `${dir}/dnsmasq.conf`, content: dns.dnsmasqConf, mode: 0o644 },
        { kind: 'file', path: `${dir}/Corefile`, content: dns.corefile, mode: 0o644 },
        { kind: 'daemon', argv: ['ip', 'netns', 'exec', netns, ...dnsmasqArgv(`${dir}/dnsmasq.conf`), `--pid-file=${dir}/dnsmasq.pid`], log: `${dir}/dnsmasq.log` },
      );
      ready.push({ kind: 'wait-listen', netns, port: 53, timeoutMs: 5000 });
      continue;
    }
    pods.push({ kind: 'file', path: `/etc/netns/${netnsOf(k.pod)}/resolv.conf`, content: podResolvConf(k.namespace, cluster.dnsServiceIp, cluster.clusterDomain), mode: 0o644 });
  }
  return { pods, ready };
}

export const clusterDnsFeature: NetworkFeature = {
  name: 'cluster-dns',
  applies: (spec) => spec.kubernetes?.dns ?? false,
  hostSteps: (input) => {
    const { pods, ready } = dnsSteps(input);
    return pods.length + ready.length === 0 ? {} : { pods, ready };
  },
  expected: () => [],
};
