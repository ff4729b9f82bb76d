// Where a lab file comes from: a path on disk, or text (the app's editor).
// Either way at most MAX_LAB_FILE_BYTES: a lab file is a few lines of YAML.
import { dirname, resolve } from 'node:path';
import { ERROR_CODES } from '../shared/errors';
import type { DriverKind } from '../shared/lab';
import { PodnetError } from './errors';
import { MAX_LAB_FILE_BYTES } from './spec/limits';
import type { ParseOptions } from './spec/parse-lab';
import { decodeLabBytes, singleSpecError } from './spec/spec-error';
import { UnreadableFileError, formatBytes, readBoundedFile } from './util/read-bounded-file';

/** A lab file on disk or as text; `driver` runs it on that driver whatever the file says (podnet up --driver local). */
export type LabSource = ({ path: string } | { text: string; file?: string }) & { driver?: DriverKind };

export interface LabText {
  text: string;
  file: string;
  /** The file's absolute path (null for text): relative paths in the lab file are relative to its folder. */
  path: string | null;
  driver?: DriverKind;
}

/** A lab file's bytes: a regular file of at most 1 MiB, refused (exit 2) before anything is read otherwise. */
export async function readLabFileBytes(path: string): Promise<Buffer> {
  try {
    return await readBoundedFile(path, MAX_LAB_FILE_BYTES);
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    const hint =
      e.reason === 'too-large'
        ? `a lab file is at most ${formatBytes(MAX_LAB_FILE_BYTES)} (a few lines of YAML); see resources/labs for examples`
        : 'pass the path of a lab file, e.g. resources/labs/flannel-vxlan.yaml';
    throw new PodnetError(ERROR_CODES.USAGE, e.message, { hint });
  }
}

export async function readLabSource(source: LabSource): Promise<LabText> {
  const driver = source.driver ? { driver: source.driver } : {};
  if ('text' in source) {
    const file = source.file ?? '<input>';
    if (Buffer.byteLength(source.text) > MAX_LAB_FILE_BYTES) {
      throw singleSpecError(file, `the lab file is larger than ${formatBytes(MAX_LAB_FILE_BYTES)}`, 'a lab file is a few lines of YAML; see resources/labs for examples');
    }
    return { text: source.text, file, path: null, ...driver };
  }
  const bytes = await readLabFileBytes(source.path);
  return { text: decodeLabBytes(bytes, source.path), file: source.path, path: resolve(source.path), ...driver };
}

/** How to parse what was read: its driver override, and the folder relative paths in it are relative to. */
export function parseOptionsOf(lab: LabText): ParseOptions {
  return { ...(lab.driver ? { driver: lab.driver } : {}), ...(lab.path ? { baseDir: dirname(lab.path) } : {}) };
}
