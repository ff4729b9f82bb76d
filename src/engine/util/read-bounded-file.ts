// Reading a file a user named (a lab file, an SSH key) without trusting it:
// it must be a regular file no larger than a limit, checked before a byte is
// read. A FIFO would block the reader for ever, /dev/zero would fill memory,
// a folder has nothing to read. Opened non-blocking and checked again on the
// open handle, so a file swapped for a FIFO in between cannot block either.
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export type UnreadableReason = 'missing' | 'folder' | 'not-a-file' | 'too-large' | 'no-permission' | 'other';

export class UnreadableFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: UnreadableReason,
    /** What is wrong, in words: "it is a FIFO (named pipe), not a file". */
    readonly why: string,
  ) {
    super(`cannot read ${path}: ${why}`);
    this.name = 'UnreadableFileError';
  }
}

/** "64 KiB", "1 MiB", "1.5 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const [value, unit] = n < 1024 * 1024 ? [n / 1024, 'KiB'] : [n / (1024 * 1024), 'MiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function checkStats(path: string, info: Stats, maxBytes: number): void {
  if (info.isDirectory()) throw new UnreadableFileError(path, 'folder', 'it is a folder, not a file');
  if (!info.isFile()) throw new UnreadableFileError(path, 'not-a-file', `it is ${kindOf(info)}, not a regular file`);
  if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes);
}

function tooLarge(path: string, size: number | null, maxBytes: number): UnreadableFileError {
  return new UnreadableFileError(path, 'too-large', `it is ${size === null ? 'larger than' : formatBytes(size) + ';'} ${size === null ? formatBytes(maxBytes) : `at most ${formatBytes(maxBytes)} is read`}`);
}

function fromErrno(path: string, e: unknown): UnreadableFileError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UnreadableFileError(path, 'missing', 'no such file');
  if (code === 'EACCES' || code === 'EPERM') return new UnreadableFileError(path, 'no-permission', 'permission denied');
  if (code === 'EISDIR') return new UnreadableFileError(path, 'folder', 'it is a folder, not a file');
  if (code === 'ELOOP') return new UnreadableFileError(path, 'other', 'too many levels of symbolic links');
  return new UnreadableFileError(path, 'other', code ?? (e instanceof Error ? e.message : String(e)));
}

/** The whole file, if it is a regular file of at most `maxBytes`; else an UnreadableFileError. */
export async function readBoundedFile(path: string, maxBytes: number): Promise<Buffer> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (e) {
    throw fromErrno(path, e);
  }
  checkStats(path, info, maxBytes);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw fromErrno(path, e);
  }
  try {
    checkStats(path, await handle.stat(), maxBytes);
    // One byte more than allowed: a file that grew since stat is caught, not cut.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(path, null, maxBytes);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
