import type { UpProgress } from '../../shared/lab';
import type { Snapshot } from '../../shared/snapshot';

export interface UpOptions {
  onProgress?(p: UpProgress): void;
  /** Lines of slow work (image build). */
  onLog?(line: string): void;
  signal?: AbortSignal;
  /** SSH machines: replace a lab of the same name another user left there. */
  force?: boolean;
}

export interface UpResult {
  name: string;
  elapsedMs: number;
  snapshot: Snapshot;
}
