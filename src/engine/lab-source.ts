// Where a lab file comes from: a path on disk, or text (the app's editor).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ERROR_CODES } from '../shared/errors';
import type { DriverKind } from '../shared/lab';
import { PodnetError } from './errors';
import { decodeLabBytes } from './spec/spec-error';

/** A lab file on disk or as text; `driver` runs it on that driver whatever the file says (podnet up --driver local). */
export type LabSource = ({ path: string } | { text: string; file?: string }) & { driver?: DriverKind };

export interface LabText {
  text: string;
  file: string;
  path: string | null;
  driver?: DriverKind;
}

export async function readLabSource(source: LabSource): Promise<LabText> {
  const driver = source.driver ? { driver: source.driver } : {};
  if ('text' in source) return { text: source.text, file: source.file ?? '<input>', path: null, ...driver };
  let bytes: Buffer;
  try {
    bytes = await readFile(source.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PodnetError(ERROR_CODES.USAGE, `cannot read ${source.path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code)}`, {
      hint: 'pass the path of a lab file, e.g. resources/labs/flannel-vxlan.yaml',
    });
  }
  return { text: decodeLabBytes(bytes, source.path), file: source.path, path: resolve(source.path), ...driver };
}
