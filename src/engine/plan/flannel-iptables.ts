// flannel's iptables rules (pkg/trafficmngr/iptables): FLANNEL-POSTRTG in nat
// for --ip-masq (every rule carries the "flanneld masq" comment), FLANNEL-FWD
// in filter to let the cluster network forward — docs/networking.md §5.6 (with what is not here yet).
import { DEFAULT_NAMES, type HostNames } from './plan-context';
import { cmd, type Step } from './step';

const MASQ = ['-m', 'comment', '--comment', 'flanneld masq'];

export function flannelMasqSteps(network: string, lease: string, names: HostNames = DEFAULT_NAMES): Step[] {
  const nat = (...rule: string[]) => cmd('iptables', '-t', 'nat', ...rule);
  const chain = names.chain('FLANNEL-POSTRTG');
  return [
    nat('-N', chain),
    nat('-A', 'POSTROUTING', ...MASQ, '-j', chain),
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
    filter('-A', 'FORWARD', '-j', chain),
    filter('-A', chain, '-s', network, '-j', 'ACCEPT'),
    filter('-A', chain, '-d', network, '-j', 'ACCEPT'),
  ];
}
