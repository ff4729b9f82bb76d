// The recorded trace sessions and route lookups of test/fixtures/trace.
import { readFileSync } from 'node:fs';
import type { RouteQuery } from '../../src/engine/trace/route-explain';
import type { TraceFlow } from '../../src/engine/trace/trace-flow';

const dir = new URL('../fixtures/trace/', import.meta.url);

export interface SessionFixture {
  flow: TraceFlow;
  table: string;
  from: string;
  namespaces: string[];
  probe: { argv: string[]; stdin: string | null };
  probeResult: { code: number; stdout: string; stderr: string };
  /** The session's stdout of a namespace. */
  output(ns: string): string;
}

export function sessionFixture(name: string): SessionFixture {
  const meta = JSON.parse(readFileSync(new URL(`sessions/${name}/flow.json`, dir), 'utf8')) as Omit<SessionFixture, 'output'>;
  return { ...meta, output: (ns) => readFileSync(new URL(`sessions/${name}/${ns}.txt`, dir), 'utf8') };
}

export function routeFixture(name: string): { namespace: string; queries: RouteQuery[]; stdout: string } {
  const meta = JSON.parse(readFileSync(new URL(`routes/${name}.json`, dir), 'utf8')) as { namespace: string; queries: RouteQuery[] };
  return { ...meta, stdout: readFileSync(new URL(`routes/${name}.txt`, dir), 'utf8') };
}
