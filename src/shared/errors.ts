// Error codes shared by the engine, the CLI (exit codes) and the renderer.

export const ERROR_CODES = {
  /** The lab file is invalid; `diagnostics` says where. */
  SPEC: 'E_SPEC',
  /** A command-line or API argument is wrong. */
  USAGE: 'E_USAGE',
  /** A lab of that name is already running. */
  LAB_EXISTS: 'E_LAB_EXISTS',
  /** A lab of that name is being built (by another process or window). */
  LAB_BUSY: 'E_LAB_BUSY',
  /** The lab belongs to another user (`user@machine`); refused without --force. */
  LAB_OWNED: 'E_LAB_OWNED',
  /** A host of the lab is stopped, paused or gone (the lab is degraded): `podnet repair` brings it back. */
  HOST_DOWN: 'E_HOST_DOWN',
  /** No lab of that name is running. */
  LAB_NOT_FOUND: 'E_LAB_NOT_FOUND',
  /** A host or pod named in a target does not exist. */
  TARGET: 'E_TARGET',
  /** Docker (or another backend) cannot be reached. */
  BACKEND_UNAVAILABLE: 'E_BACKEND_UNAVAILABLE',
  /** An SSH machine's host key is not known (and was not accepted) or has changed. */
  HOST_KEY: 'E_HOST_KEY',
  /** The node image is missing and cannot be built. */
  IMAGE: 'E_IMAGE',
  /** Building the lab failed on a host. */
  APPLY: 'E_APPLY',
  /** The operation was cancelled. */
  CANCELLED: 'E_CANCELLED',
  /** Anything else. */
  INTERNAL: 'E_INTERNAL',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * Codes that mean "the input was wrong" (CLI exit code 2). A lab that
 * exists already or is being built is not: the same input works once it is gone.
 */
export const INPUT_ERROR_CODES: readonly ErrorCode[] = [
  ERROR_CODES.SPEC,
  ERROR_CODES.USAGE,
  ERROR_CODES.LAB_NOT_FOUND,
  ERROR_CODES.TARGET,
];

export interface Diagnostic {
  /** File name as given by the user, or '<input>'. */
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `network.leases.host1`. */
  field: string;
  message: string;
  /** What to do about it. */
  hint?: string;
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  hint?: string;
  diagnostics?: Diagnostic[];
  /** Problems found beyond the diagnostics listed (a lab file lists at most 50). */
  omittedDiagnostics?: number;
}
