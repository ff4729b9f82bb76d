// Deciding on a machine's host key: known → go on; new → only with consent
// (a flag, or a prompt showing the fingerprint); changed or revoked → refused, always.
import { ERROR_CODES } from '../../../shared/errors';
import { PodnetError } from '../../errors';
import { fingerprint, keyType, type HostKeyInfo } from './host-key';
import { hostPattern, type KnownHosts } from './known-hosts';

export interface HostKeyPolicy {
  /** Accept (and remember) keys of machines not seen before: the CLI's --accept-new-host-keys. */
  acceptNew: boolean;
  /** Asked about a key not seen before when acceptNew is off (the app's prompt). */
  confirm?(info: HostKeyInfo): Promise<boolean>;
}

/** Resolves when the key may be used; throws the reason otherwise. */
export async function verifyHostKey(known: KnownHosts, policy: HostKeyPolicy, who: { host: string; address: string; port: number }, blob: Buffer): Promise<void> {
  const info: HostKeyInfo = { ...who, keyType: keyType(blob), fingerprint: fingerprint(blob) };
  const where = `${who.host} (${hostPattern(who.address, who.port)})`;
  const state = await known.check(who.address, who.port, blob);
  if (state.status === 'known') return;
  if (state.status === 'revoked') {
    throw new PodnetError(ERROR_CODES.HOST_KEY, `the host key of ${where} (${info.keyType} ${info.fingerprint}) is REVOKED on line ${state.line} of ${known.file}: it is never accepted`, {
      hint: 'the key was marked @revoked because it must not be trusted; give the machine a new host key, or ask who revoked it',
    });
  }
  if (state.status === 'changed') {
    throw new PodnetError(ERROR_CODES.HOST_KEY, `the host key of ${where} has CHANGED: it now presents ${info.keyType} ${info.fingerprint}, not the key on line ${state.line} of ${known.file}. Someone may be intercepting the connection — or the machine was reinstalled.`, {
      hint: `if you know the machine was recreated, forget its old key: ssh-keygen -R '${hostPattern(who.address, who.port)}' -f ${known.file}`,
    });
  }
  const accepted = policy.acceptNew || (policy.confirm ? await policy.confirm(info) : false);
  if (!accepted) {
    throw new PodnetError(ERROR_CODES.HOST_KEY, `the host key of ${where} is not known yet: ${info.keyType} ${info.fingerprint}`, {
      hint: 'check the fingerprint on the machine (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then run again with --accept-new-host-keys',
    });
  }
  await known.add(who.address, who.port, blob);
}
