// The allocation stage of `up`: a checked lab and the facts of where it
// runs → its addresses, once. Problems found only now (an underlay in use,
// a machine's address inside the cluster CIDR) are reported at their place
// in the lab file, like every other problem of the file.
import type { Diagnostic } from '../../shared/errors';
import { labCluster } from '../kube/lab-cluster';
import type { ParsedLab } from '../spec/parse-lab';
import { specError } from '../spec/spec-error';
import type { SpecIssue } from '../spec/spec-issue';
import { allocate, type DiscoveredUnderlay } from './allocate';
import type { Allocation } from './allocation';
import { overlaps } from './cidr';
import { labInternalRanges, pickUnderlaySubnet } from './underlay-pool';

/** What the driver found out about where the lab will run, before anything of it exists. */
export interface PlacementFacts {
  /**
   * The lab gets an underlay of its own: the subnets already in use where it will live (networks, other
   * labs' underlays). Null: the hosts are machines on their own network (`discovered`).
   */
  takenSubnets: readonly string[] | null;
  /** Machines: each host's underlay address and interface as found on it (absent before connecting: a dry run). */
  discovered?: ReadonlyMap<string, DiscoveredUnderlay>;
  /** How the driver names the links a lab creates on a host (real machines prefix them). */
  linkName?: (base: string) => string;
}

export function allocateLab(parsed: ParsedLab, facts: PlacementFacts): Allocation {
  const { spec } = parsed;
  const issues: SpecIssue[] = [];
  let underlaySubnet: string | null = null;
  if (facts.takenSubnets !== null) {
    const own = spec.underlay.subnet;
    if (own) {
      const clash = facts.takenSubnets.find((t) => overlaps(t, own));
      if (clash) issues.push({ path: ['underlay', 'subnet'], message: `${own} overlaps ${clash}, used by an existing Docker network or another running lab`, hint: 'pick another subnet, or remove underlay.subnet to let podnet choose a free one' });
      underlaySubnet = own;
    } else {
      underlaySubnet = pickUnderlaySubnet([...facts.takenSubnets, ...labInternalRanges(spec)]);
      if (!underlaySubnet) issues.push({ path: ['underlay'], message: 'no free underlay subnet left in 198.18.0.0/15', hint: 'set underlay.subnet' });
    }
  }
  if (issues.length > 0) throw specError(parsed.file, parsed.diagnose(issues));
  const result = allocate(spec, {
    underlaySubnet,
    origins: parsed.origins,
    ...(facts.discovered ? { discovered: facts.discovered } : {}),
    ...(facts.linkName ? { linkName: facts.linkName } : {}),
  });
  if (result.issues.length > 0) throw specError(parsed.file, parsed.diagnose(result.issues));
  // Services need the pods' addresses: a clusterIP or node port taken twice, a service CIDR on the underlay.
  const kube = labCluster(spec, result.allocation)?.issues.filter((i) => i.severity === 'error') ?? [];
  if (kube.length > 0) throw specError(parsed.file, parsed.diagnose(kube));
  return result.allocation;
}

/** What the allocated lab allows but likely does not mean (a Service whose selector picks no pod), located. */
export function allocationWarnings(parsed: ParsedLab, allocation: Allocation): Diagnostic[] {
  return parsed.diagnose(labCluster(parsed.spec, allocation)?.issues.filter((i) => i.severity === 'warning') ?? []);
}
