// Strict patterns for every name that can reach a command line.
// A name that passes these can never carry shell or iptables syntax.

export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
export const NAME_RULE = 'start with a lowercase letter, then only a-z, 0-9 and "-", at most 20 characters';

/** The lab's "internet" node (`internet: true`): a host of its own, named so in every driver. */
export const INTERNET_NODE = 'internet';
/** The lab's underlay where a driver makes one (a switch): the node to enter to see what crosses it. */
export const UNDERLAY_NODE = 'underlay';

/** Names a host cannot take: they are used for the lab's own nodes. */
export const RESERVED_HOST_NAMES = [INTERNET_NODE, UNDERLAY_NODE] as const;

export function isValidName(s: string): boolean {
  return NAME_PATTERN.test(s);
}
