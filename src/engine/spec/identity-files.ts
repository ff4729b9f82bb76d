// `hosts[].ssh.identityFile` as OpenSSH would read it from the lab file's
// folder: a relative path is relative to the lab file (not to wherever the
// command was started); `~/…` stays for the user who connects; an absolute
// path stays as is. A lab given as text has no folder: a relative path there
// is refused with what to write instead.
import { isAbsolute, resolve } from 'node:path';
import type { LabSpec } from './lab-spec';
import type { SpecOrigins } from './normalize-lab';
import type { SpecIssue } from './spec-issue';

export function resolveIdentityFiles(spec: LabSpec, origins: SpecOrigins, baseDir: string | null): SpecIssue[] {
  const issues: SpecIssue[] = [];
  spec.hosts.forEach((h, i) => {
    const file = h.ssh?.identityFile;
    if (!h.ssh || !file || isAbsolute(file) || file === '~' || file.startsWith('~/')) return;
    if (baseDir) h.ssh.identityFile = resolve(baseDir, file);
    else {
      issues.push({
        path: [...origins.hosts[i]!, 'ssh', 'identityFile'],
        message: `the relative path ${file} needs the lab file's folder, and this lab was not read from a file`,
        hint: 'write an absolute path, or one starting with ~/',
      });
    }
  });
  return issues;
}
