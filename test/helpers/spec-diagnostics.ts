// The diagnostics a lab file is rejected with (E_SPEC, exit 2), for tests of
// bad input: problems of the file itself and those the allocation finds
// (reported the same way, at their place in the file).
import { expect } from 'vitest';
import { PodnetError } from '../../src/engine/errors';
import { allocatedLab } from './allocated-lab';
import type { Diagnostic } from '../../src/shared/errors';

export function diagnosticsOf(text: string): Diagnostic[] {
  try {
    allocatedLab(text, 'lab.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(PodnetError);
    expect((e as PodnetError).code).toBe('E_SPEC');
    return (e as PodnetError).diagnostics ?? [];
  }
  throw new Error('expected the lab to be rejected');
}
