// flannel's iptables rules as v0.20.2 … v0.28 program them
// (pkg/trafficmngr/iptables, docs/networking.md §5.6): FLANNEL-POSTRTG in nat for
// --ip-masq, every rule with the comment "flanneld masq", led by a RETURN for
// packets kube-proxy already marked for masquerade (0x4000, no double NAT);
// FLANNEL-FWD in filter, with the comment "flanneld forward", to let the
// cluster network forward. flanneld appends every rule (iptables-restore
// --noflush), so the order below is the order iptables-save prints.
import { DEFAULT_NAMES, type HostNames } from './plan-context';
import { cmd, type Step } from './step';

/** kube-proxy's masquerade mark (`KubeProxyMark` in flannel's trafficmngr.go). */
export const KUBE_PROXY_MARK = '0x4000/0x4000';

const comment = (text: string) => ['-m', 'comment', '--comment', text];
const MASQ = comment('flanneld masq');
const FORWARD = comment('flanneld forward');

export function flannelMasqSteps(network: string, lease: string, names: HostNames = DEFAULT_NAMES): Step[] {
  const nat = (...rule: string[]) => cmd('iptables', '-t', 'nat', ...rule);
  const chain = names.chain('FLANNEL-POSTRTG');
  return [
    nat('-N', chain),
    nat('-A', 'POSTROUTING', ...MASQ, '-j', chain),
    nat('-A', chain, '-m', 'mark', '--mark', KUBE_PROXY_MARK, ...MASQ, '-j', 'RETURN'),
    nat('-A', chain, '-s', lease, '-d', network, ...MASQ, '-j', 'RETURN'),
    nat('-A', chain, '-s', network, '-d', lease, ...MASQ, '-j', 'RETURN'),
    nat('-A', chain, '!', '-s', network, '-d', lease, ...MASQ, '-j', 'RETURN'),
    nat('-A', chain, '-s', network, '!', '-d', '224.0.0.0/4', ...MASQ, '-j', 'MASQUERADE', '--random-fully'),
    nat('-A', chain, '!', '-s', network, '-d', network, ...MASQ, '-j', 'MASQUERADE', '--random-fully'),
  ];
}

export function flannelForwardSteps(network: string, names: HostNames = DEFAULT_NAMES): Step[] {
  const filter = (...rule: string[]) => cmd('iptables', '-t', 'filter', ...rule);
  const chain = names.chain('FLANNEL-FWD');
  return [
    filter('-N', chain),
    filter('-A', 'FORWARD', ...FORWARD, '-j', chain),
    filter('-A', chain, '-s', network, ...FORWARD, '-j', 'ACCEPT'),
    filter('-A', chain, '-d', network, ...FORWARD, '-j', 'ACCEPT'),
  ];
}
