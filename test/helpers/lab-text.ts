// Builds lab-file text for tests.
export function labYaml(lines: string[]): string {
  return lines.join('\n') + '\n';
}

export const MINIMAL = labYaml(['name: t', 'hosts: 2']);
