// How Docker objects of a lab are named and labelled. `down` and `gc` find
// everything by these labels alone.
import { UNDERLAY_NODE } from '../../spec/names';

export const LABELS = {
  lab: 'podnet.lab',
  host: 'podnet.host',
  role: 'podnet.role',
  /** `<machine>:<pid>` of the process that built the lab (gc spares live builders). */
  builder: 'podnet.builder',
  /** The normalized LabSpec as JSON (on the underlay switch container). */
  spec: 'podnet.spec',
  source: 'podnet.source',
  address: 'podnet.address',
  underlay: 'podnet.underlay',
  /** `user@machine` of whoever built the lab: others' labs are not removed without --force. */
  owner: 'podnet.owner',
  /** The build that made the object: a failed build removes what it made, and nothing else. */
  run: 'podnet.run',
} as const;

/** The volume that marks a lab as completely built (labels cannot change, so completion is an object of its own). */
export const BUILT_ROLE = 'built';
export const builtMarkerName = (lab: string) => `podnet-${lab}-built`;

/** The container that is the lab's underlay: an L2 switch (a bridge) every host's eth0 is plugged into. */
export const SWITCH = UNDERLAY_NODE;
export const SWITCH_BRIDGE = 'underlay';

export const containerName = (lab: string, host: string) => `podnet-${lab}-${host}`;

export { switchPortName } from '../switch-port';
export const labFilter = (lab?: string) => ({ label: [lab ? `${LABELS.lab}=${lab}` : LABELS.lab] });
export const runFilter = (lab: string, run: string) => ({ label: [`${LABELS.lab}=${lab}`, `${LABELS.run}=${run}`] });
