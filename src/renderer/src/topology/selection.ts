// What the user selected in the topology; the details panel reads the
// current snapshot through it, so details stay live.
export type Selection =
  | { kind: 'underlay' }
  | { kind: 'internet' }
  | { kind: 'host'; host: string }
  | { kind: 'pod'; host: string; pod: string }
  | { kind: 'iface'; host: string; iface: string }
  | { kind: 'tunnel'; host: string; dev: string; mac: string; dst: string }
  | { kind: 'route'; host: string; gateway: string }
  | { kind: 'port'; host: string; rule: string }
  /**
   * A Service (`namespace/name`); from a node-port badge, the host it is on
   * (the details show that host's rules); from an endpoint's edge, its address.
   */
  | { kind: 'service'; service: string; host?: string; endpoint?: string };

/** A terminal can be opened on hosts, pods and the internet node. */
export function terminalTarget(sel: Selection | null): string | null {
  if (!sel) return null;
  if (sel.kind === 'pod') return `${sel.host}/${sel.pod}`;
  if (sel.kind === 'internet') return 'internet';
  if (sel.kind === 'host' || sel.kind === 'iface') return sel.host;
  return null;
}

export function sameSelection(a: Selection | null, b: Selection | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
