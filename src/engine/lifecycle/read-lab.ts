// Stage 1 of `up` (and of `--dry-run`, `down lab.yaml`): a lab file → a
// checked LabSpec. Reading is bounded (lab-source.ts); parsing and
// validation are pure (spec/parse-lab.ts): nothing is allocated or touched.
import { parseOptionsOf, readLabSource, type LabSource } from '../lab-source';
import type { DriverRules } from '../spec/driver-traits';
import { parseLab, type ParsedLab } from '../spec/parse-lab';

export interface ReadLab extends ParsedLab {
  /** The lab file's absolute path (null for text): recorded with the lab. */
  path: string | null;
}

export async function readLab(source: LabSource, drivers?: DriverRules): Promise<ReadLab> {
  const lab = await readLabSource(source);
  return { ...parseLab(lab.text, lab.file, { ...parseOptionsOf(lab), ...(drivers ? { drivers } : {}) }), path: lab.path };
}
