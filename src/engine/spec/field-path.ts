// A field of a lab (or exercise) file: ['network', 'leases', 'host1'].
// No parser here, so error formatting never loads yaml.

export type FieldPath = readonly (string | number)[];

/** `['hosts', 0, 'pods', 1, 'ip']` → `hosts[0].pods[1].ip` */
export function fieldName(path: FieldPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(top level)';
}
