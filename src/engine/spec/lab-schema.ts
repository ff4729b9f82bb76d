// The lab file's shape, as written by users (before defaults are filled in).
// Unknown keys are errors everywhere: strict objects only.
import { z } from 'zod';
import { NAME_PATTERN, NAME_RULE } from './names';
import { cidrProblem, isIpv4 } from '../ipam/cidr';
import { KUBE_KNOWN_KEYS, kubeLabFields, kubePodFields } from './kubernetes-schema';
import { MAX_DESCRIPTION_CHARS, MAX_HOSTS, MAX_PODS_PER_HOST, MAX_PUBLISHED_PORTS } from './limits';

const name = z.string({ error: 'expected a name' }).regex(NAME_PATTERN, `a name must ${NAME_RULE}`);

const ipv4 = z
  .string({ error: 'expected an IPv4 address such as 192.168.56.12' })
  .refine(isIpv4, { message: 'not an IPv4 address (expected something like 192.168.56.12)' });

const cidr = z.string({ error: 'expected a CIDR such as 10.2.0.0/16' }).superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { hint: problem.hint } });
});

const port = z.int({ error: 'expected a port number (1..65535)' }).min(1, 'a port must be 1..65535').max(65535, 'a port must be 1..65535');

const count = (what: string, max: number) =>
  z.int({ error: `expected a number of ${what}` }).min(1, `at least one of ${what}`).max(max, `at most ${max} ${what}`);

const podObject = z.strictObject({
  name,
  ip: ipv4.optional(),
  serve: port.optional(),
  ...kubePodFields,
});
const pods = z.union([
  count('pods', MAX_PODS_PER_HOST),
  z
    .array(z.union([name, podObject]), { error: 'expected a number of pods or a list of pods' })
    .max(MAX_PODS_PER_HOST, `at most ${MAX_PODS_PER_HOST} pods on a host`),
]);

const sshObject = z.strictObject({
  address: z.string().min(1, 'expected the machine address'),
  user: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'expected a user name such as ubuntu').optional(),
  port: port.optional(),
  identityFile: z.string().min(1).optional(),
  iface: z.string().regex(/^[a-zA-Z0-9_.-]{1,15}$/, 'expected an interface name such as eth0').optional(),
});

const hostObject = z.strictObject({
  name,
  address: ipv4.optional(),
  pods: pods.optional(),
  ssh: sshObject.optional(),
});

const hosts = z.union([
  count('hosts', MAX_HOSTS),
  z
    .array(z.union([name, hostObject]), { error: 'expected a number of hosts or a list of hosts' })
    .max(MAX_HOSTS, `at most ${MAX_HOSTS} hosts`),
]);

const network = z.strictObject({
  mode: z.enum(['docker0', 'pod-cidr']).optional(),
  cidr: cidr.optional(),
  subnetLen: z.int().min(8, 'subnetLen must be 8..30').max(30, 'subnetLen must be 8..30').optional(),
  leases: z.record(z.string(), cidr).optional(),
  backend: z.enum(['none', 'vxlan', 'host-gw']).optional(),
  vxlan: z
    .strictObject({
      vni: z.int().min(1, 'a VNI must be 1..16777215').max(16777215, 'a VNI must be 1..16777215').optional(),
      port: port.optional(),
    })
    .optional(),
  masquerade: z.boolean().optional(),
  dockerRules: z
    .union([z.literal(27), z.literal(28), z.literal(29)], { error: 'dockerRules is the Docker version whose iptables layout to reproduce: 27, 28 or 29' })
    .optional(),
});

const publish = z.strictObject({
  host: name,
  port,
  to: name,
  toPort: port.optional(),
  protocol: z.enum(['tcp', 'udp']).optional(),
});

export const labFileSchema = z.strictObject({
  name: z.string({ error: 'every lab needs a name' }).regex(NAME_PATTERN, `the lab name must ${NAME_RULE}`),
  description: z.string().max(MAX_DESCRIPTION_CHARS, `a description is at most ${MAX_DESCRIPTION_CHARS} characters (one line for the app and podnet ls)`).optional(),
  driver: z.enum(['docker', 'ssh', 'local']).optional(),
  engine: z
    .string()
    .regex(/^(ssh:\/\/[A-Za-z0-9_.@:-]+|unix:\/\/\/[A-Za-z0-9_./-]+|tcp:\/\/[A-Za-z0-9_.:-]+)$/, 'expected ssh://user@host, unix:///path or tcp://host:port')
    .optional(),
  underlay: z
    .strictObject({
      subnet: cidr.optional(),
      mtu: z.int().min(1280, 'the underlay MTU must be 1280..9000').max(9000, 'the underlay MTU must be 1280..9000').optional(),
    })
    .optional(),
  hosts,
  pods: pods.optional(),
  network: network.optional(),
  publish: z.array(publish).max(MAX_PUBLISHED_PORTS, `at most ${MAX_PUBLISHED_PORTS} published ports`).optional(),
  internet: z.boolean().optional(),
  ...kubeLabFields,
});

export type LabFile = z.infer<typeof labFileSchema>;

/** Every key the schema knows, per object, for "did you mean" suggestions. */
export const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(labFileSchema.shape),
  underlay: ['subnet', 'mtu'],
  host: Object.keys(hostObject.shape),
  pod: Object.keys(podObject.shape),
  ssh: Object.keys(sshObject.shape),
  network: Object.keys(network.shape),
  vxlan: ['vni', 'port'],
  publish: Object.keys(publish.shape),
  ...KUBE_KNOWN_KEYS,
};
