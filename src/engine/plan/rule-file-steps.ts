// A rule set as a plan step: the input written to a file on the host, then
// loaded by one command — one transaction, and a file a learner can read.
import { cmd, type Step } from './step';

const file = (path: string, content: string): Step => ({ kind: 'file', path, content, mode: 0o600 });

/** `iptables-restore --noflush <file>`: declared chains are flushed and refilled, nothing else is touched. */
export const iptablesRestoreFileSteps = (path: string, input: string): Step[] => [file(path, input), cmd('iptables-restore', '-w', '5', '--noflush', path)];

/** `nft -f <file>`: one nftables transaction. */
export const nftFileSteps = (path: string, script: string): Step[] => [file(path, script), cmd('nft', '-f', path)];

/** `ipset restore -exist -file <file>` (`exist`: no error for a set that is there already). */
export const ipsetRestoreFileSteps = (path: string, input: string, exist = true): Step[] => [file(path, input), cmd('ipset', 'restore', ...(exist ? ['-exist'] : []), '-file', path)];
