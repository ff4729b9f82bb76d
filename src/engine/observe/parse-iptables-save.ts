// `iptables-save` → the nat and filter tables as lines, without comments,
// COMMIT markers and packet counters (which change on every read).
import type { IptablesTables } from '../../shared/snapshot';

export function parseIptablesSave(text: string): IptablesTables {
  const tables: IptablesTables = { nat: [], filter: [] };
  let current: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      const name = line.slice(1);
      current = name === 'nat' || name === 'filter' ? tables[name] : null;
    } else if (line === 'COMMIT' || line.startsWith('#') || line === '') {
      continue;
    } else if (current) {
      current.push(line.replace(/\s\[\d+:\d+\]$/, ''));
    }
  }
  return tables;
}
