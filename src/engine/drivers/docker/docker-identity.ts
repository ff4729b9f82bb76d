// How Docker objects of a lab are named and labelled. `down` and `gc` find
// everything by these labels alone.

export const LABELS = {
  lab: 'podnet.lab',
  host: 'podnet.host',
  role: 'podnet.role',
  /** `<machine>:<pid>` of the process that built the lab (gc spares live builders). */
  builder: 'podnet.builder',
  /** The normalized LabSpec as JSON (on the underlay switch container). */
  spec: 'podnet.spec',
  source: 'podnet.source',
  /** `<user>@<machine>` who started the lab (on the underlay switch container). */
  owner: 'podnet.owner',
  address: 'podnet.address',
  underlay: 'podnet.underlay',
} as const;

/** The container that is the lab's underlay: an L2 switch (a bridge) every host's eth0 is plugged into. */
export const SWITCH = 'underlay';
export const SWITCH_BRIDGE = 'underlay';

export const containerName = (lab: string, host: string) => `podnet-${lab}-${host}`;

export { switchPortName } from '../switch-port';
export const labFilter = (lab?: string) => ({ label: [lab ? `${LABELS.lab}=${lab}` : LABELS.lab] });
