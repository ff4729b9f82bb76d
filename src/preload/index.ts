// Exposes exactly the shared IPC contract as `window.podnet`.
import { contextBridge, ipcRenderer } from 'electron';
import { INVOKE_CHANNELS, type InvokeChannel, type IpcResult, type PodnetApi } from '../shared/ipc';

const api: PodnetApi = {
  async invoke(channel, request) {
    if (!INVOKE_CHANNELS.includes(channel as InvokeChannel)) throw new Error(`unknown channel ${String(channel)}`);
    const result = (await ipcRenderer.invoke(channel, request)) as IpcResult<never>;
    if (result.ok) return result.value;
    const error = new Error(result.error.message) as Error & { code?: string };
    error.code = result.error.code;
    throw error;
  },
};

contextBridge.exposeInMainWorld('podnet', api);
