// The question asked when a lab reaches an SSH machine for the first time
// (a native dialog): its key type and fingerprint, then accept or refuse.
// A key that changed is never asked about: the engine refuses it.
import { dialog, type BrowserWindow } from 'electron';
import type { HostKeyInfo } from '../engine/index';

export async function askAboutHostKey(win: BrowserWindow | null, info: HostKeyInfo): Promise<boolean> {
  const where = info.port === 22 ? info.address : `${info.address} port ${info.port}`;
  const options = {
    type: 'question' as const,
    title: 'New SSH machine',
    message: `Trust ${info.host} (${where})?`,
    detail: `Podnet has not connected to this machine before. Its ${info.keyType} key fingerprint is\n\n${info.fingerprint}\n\nCompare it with the machine's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on it). An accepted key is remembered; if it ever changes, the machine is refused.`,
    buttons: ['Trust and Connect', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
  };
  const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
  return response === 0;
}
