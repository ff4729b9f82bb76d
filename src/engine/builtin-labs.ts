// The labs that ship with the app (resources/labs/*.yaml).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { BuiltinLab } from '../shared/lab';

/** Titles, in curriculum order: the order the exercises use the labs (labs not named here come last). */
const TITLES: Record<string, string> = {
  docker0: 'Docker bridge (docker0)',
  'port-publish': 'Port publishing',
  'pod-cidr': 'Kubernetes pod CIDRs (no overlay)',
  'flannel-vxlan': 'Flannel VXLAN',
  'flannel-host-gw': 'Flannel host-gw',
  masquerade: 'IP masquerade to the internet',
  services: 'Kubernetes Services, DNS and hostPort',
  'services-nft': "Services in kube-proxy's nftables mode",
  'three-hosts': 'Three hosts, VXLAN mesh',
};

export async function listBuiltinLabs(resourcesDir: string): Promise<BuiltinLab[]> {
  const dir = join(resourcesDir, 'labs');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const labs = await Promise.all(
    files.map(async (f) => {
      const doc = parse(await readFile(join(dir, f), 'utf8')) as { name?: string; description?: string };
      const name = doc.name ?? f.replace(/\.yaml$/, '');
      return { file: join(dir, f), name, title: TITLES[name] ?? name, description: doc.description ?? '' };
    }),
  );
  const order = Object.keys(TITLES);
  const rank = (l: BuiltinLab) => (order.includes(l.name) ? order.indexOf(l.name) : order.length);
  return labs.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
