import type { FieldPath } from './field-path';

/** A problem with a lab, before it is placed at a line and column. */
export interface SpecIssue {
  path: FieldPath;
  message: string;
  hint?: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
}
