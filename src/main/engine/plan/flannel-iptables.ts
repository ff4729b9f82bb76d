// flannel's iptables rules (pkg/trafficmngr/iptables): FLANNEL-POSTRTG in nat
// for --ip-masq (every rule carries the "flanneld masq" comment), FLANNEL-FWD
// in filter to let the cluster network forward — as NETWORKING.md §3 lists them.
import { cmd, type Step } from './step';

const MASQ = ['-m', 'comment', '--comment', 'flanneld masq'];

export function flannelMasqSteps(network: string, lease: string): Step[] {
  const nat = (...rule: string[]) => cmd('iptables', '-t', 'nat', ...rule);
  return [
    nat('-N', 'FLANNEL-POSTRTG'),
    nat('-A', 'POSTROUTING', ...MASQ, '-j', 'FLANNEL-POSTRTG'),
    nat('-A', 'FLANNEL-POSTRTG', '-s', lease, '-d', network, ...MASQ, '-j', 'RETURN'),
    nat('-A', 'FLANNEL-POSTRTG', '-s', network, '-d', lease, ...MASQ, '-j', 'RETURN'),
    nat('-A', 'FLANNEL-POSTRTG', '!', '-s', network, '-d', lease, ...MASQ, '-j', 'RETURN'),
    nat('-A', 'FLANNEL-POSTRTG', '-s', network, '!', '-d', '224.0.0.0/4', ...MASQ, '-j', 'MASQUERADE', '--random-fully'),
    nat('-A', 'FLANNEL-POSTRTG', '!', '-s', network, '-d', network, ...MASQ, '-j', 'MASQUERADE', '--random-fully'),
  ];
}

export function flannelForwardSteps(network: string): Step[] {
  const filter = (...rule: string[]) => cmd('iptables', '-t', 'filter', ...rule);
  return [
    filter('-N', 'FLANNEL-FWD'),
    filter('-A', 'FORWARD', '-j', 'FLANNEL-FWD'),
    filter('-A', 'FLANNEL-FWD', '-s', network, '-j', 'ACCEPT'),
    filter('-A', 'FLANNEL-FWD', '-d', network, '-j', 'ACCEPT'),
  ];
}
