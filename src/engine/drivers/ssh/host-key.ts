// An SSH host key as the server sends it (the wire blob), and how people
// recognise it: its type and its SHA256 fingerprint, as OpenSSH prints them.
import { createHash } from 'node:crypto';

/** The key type at the start of the blob, e.g. `ssh-ed25519`. */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return len > 0 && len < 64 && blob.length >= 4 + len ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
}

/** `SHA256:…` (base64 without padding), as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** What a user is shown before accepting a key. */
export interface HostKeyInfo {
  /** The lab host (vm1) or engine the machine is for. */
  host: string;
  address: string;
  port: number;
  keyType: string;
  fingerprint: string;
}
