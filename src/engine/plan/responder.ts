// A pod's `serve: <port>`: a tiny TCP/HTTP responder (socat + a script) that
// answers every connection with who it is, so a learner sees where a
// published port or a ping actually landed.
import type { Step } from './step';

export const RESPONDER_SCRIPT = `#!/bin/bash
# podnet responder: answers each connection with who it is.
# Started by the lab as: socat TCP-LISTEN:<port>,fork,reuseaddr EXEC:"serve.sh <who> <ip> <port>"
read -r -t 2 _request || true
body="hello from $1 ($2:$3)"
printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s\\n' "$(( \${#body} + 1 ))" "$body"
`;

export function responderScriptStep(stateDir: string): Step {
  return { kind: 'file', path: `${stateDir}/serve.sh`, content: RESPONDER_SCRIPT, mode: 0o755 };
}

export interface ResponderInput {
  stateDir: string;
  /** Network namespace to run in (null: the host's own). */
  netns: string | null;
  who: string;
  ip: string;
  port: number;
}

export function responderSteps(r: ResponderInput): Step[] {
  const socat = ['socat', '-T5', `TCP-LISTEN:${r.port},fork,reuseaddr`, `EXEC:${r.stateDir}/serve.sh ${r.who} ${r.ip} ${r.port}`];
  const argv = r.netns ? ['ip', 'netns', 'exec', r.netns, ...socat] : socat;
  const tag = r.netns ? `${r.netns}-${r.port}` : `host-${r.port}`;
  return [{ kind: 'daemon', argv, log: `${r.stateDir}/serve-${tag}.log` }];
}

export function waitForResponder(r: Pick<ResponderInput, 'netns' | 'port'>): Step {
  return { kind: 'wait-listen', netns: r.netns, port: r.port, timeoutMs: 5000 };
}
