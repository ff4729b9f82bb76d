// A pod's `serve: <port>`: a tiny responder (socat + a script) on TCP (HTTP)
// and UDP that answers with who it is and whom it saw, so a learner sees
// where a Service, a published port or a ping actually landed and whether
// the source address survived (SNAT, externalTrafficPolicy) — one `curl`:
//   hello from web-2 (node2, 10.244.2.2:8080), client 10.244.1.3:41236
// socat exports the peer's address and port to the script (SOCAT_PEERADDR, SOCAT_PEERPORT).
import type { Step } from './step';

export const RESPONDER_SCRIPT = `#!/bin/bash
# podnet responder: answers with who it is and whom it saw.
# Started by the lab as: socat TCP-LISTEN:<port>,fork,reuseaddr EXEC:"serve.sh tcp <who> <node|-> <ip> <port>"
#                    and socat UDP-RECVFROM:<port>,fork EXEC:"serve.sh udp …" (one reply per datagram)
proto=$1 who=$2 node=$3 ip=$4 port=$5
where="$ip:$port"
[ "$node" = - ] || where="$node, $where"
body="hello from $who ($where), client \${SOCAT_PEERADDR:-?}:\${SOCAT_PEERPORT:-?}"
if [ "$proto" = udp ]; then
  read -r -t 1 _datagram || true
  printf '%s\\n' "$body"
  exit 0
fi
read -r -t 2 _request || true
printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s\\n' "$(( \${#body} + 1 ))" "$body"
`;

export function responderScriptStep(stateDir: string): Step {
  return { kind: 'file', path: `${stateDir}/serve.sh`, content: RESPONDER_SCRIPT, mode: 0o755 };
}

export interface ResponderInput {
  stateDir: string;
  /** Network namespace to run in (null: the host's own). */
  netns: string | null;
  /** The pod's (or node's) name. */
  who: string;
  /** The host a pod runs on (null: not a pod). */
  node?: string | null;
  ip: string;
  port: number;
}

export function responderSteps(r: ResponderInput): Step[] {
  const args = `${r.who} ${r.node ?? '-'} ${r.ip} ${r.port}`;
  const tcp = ['socat', '-T5', `TCP-LISTEN:${r.port},fork,reuseaddr`, `EXEC:${r.stateDir}/serve.sh tcp ${args}`];
  const udp = ['socat', '-T5', `UDP-RECVFROM:${r.port},fork`, `EXEC:${r.stateDir}/serve.sh udp ${args}`];
  const inNetns = (argv: string[]) => (r.netns ? ['ip', 'netns', 'exec', r.netns, ...argv] : argv);
  const tag = r.netns ? `${r.netns}-${r.port}` : `host-${r.port}`;
  return [
    { kind: 'daemon', argv: inNetns(tcp), log: `${r.stateDir}/serve-${tag}.log` },
    { kind: 'daemon', argv: inNetns(udp), log: `${r.stateDir}/serve-${tag}-udp.log` },
  ];
}

export function waitForResponder(r: Pick<ResponderInput, 'netns' | 'port'>): Step {
  return { kind: 'wait-listen', netns: r.netns, port: r.port, timeoutMs: 5000 };
}
