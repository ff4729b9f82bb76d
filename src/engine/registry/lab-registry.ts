// The labs this user started somewhere other than the local Docker engine
// (SSH machines, remote Docker engines): one JSON file per lab, so `ls`,
// `down` and `gc` know where to look. The machines themselves hold the
// truth (state files, labels); this is only the index of where they are.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverKind } from '../../shared/lab';
import { isValidName } from '../spec/names';
import type { LabSpec } from '../spec/lab-spec';

export interface RegistryEntry {
  name: string;
  driver: DriverKind;
  /** docker driver: the remote engine (ssh://user@box). */
  engine: string | null;
  spec: LabSpec;
  source: string | null;
  /** `<machine>:<pid>` of the process that built it. */
  builder: string;
  /** `<user>@<machine>` who started it. */
  owner?: string;
  status: 'building' | 'running';
  createdAt: string;
  /** ssh driver: each host's underlay as found on the machine. */
  underlay?: Record<string, { ip: string; dev: string }>;
}

export class LabRegistry {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'labs');
  }

  private file(name: string): string {
    if (!isValidName(name)) throw new Error(`not a lab name: ${name}`);
    return join(this.dir, `${name}.json`);
  }

  async get(name: string): Promise<RegistryEntry | null> {
    if (!isValidName(name)) return null;
    try {
      return JSON.parse(await readFile(this.file(name), 'utf8')) as RegistryEntry;
    } catch {
      return null;
    }
  }

  async all(): Promise<RegistryEntry[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch {
      return [];
    }
    const entries = await Promise.all(files.filter((f) => f.endsWith('.json')).map((f) => this.get(f.slice(0, -5))));
    return entries.filter((e): e is RegistryEntry => e !== null).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Written whole and renamed into place: a reader never sees half a file. */
  async put(entry: RegistryEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(entry.name);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(entry, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, file);
  }

  async remove(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }
}
