// Exposes exactly the shared IPC contract as `window.podnet`: invoke on the
// known channels, and listeners for the known push events. Nothing of
// Electron (ipcRenderer, event objects) reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { EventListeners } from '../shared/event-listeners';
import { ELECTRON_EVENT_CHANNEL, isEventName, isInvokeChannel, unwrapResult, type IpcResult, type PodnetApi } from '../shared/ipc';

const listeners = new EventListeners();

ipcRenderer.on(ELECTRON_EVENT_CHANNEL, (_event, message: { event: unknown; payload: unknown }) => {
  if (isEventName(message?.event)) listeners.emit(message.event, message.payload);
});

const api: PodnetApi = {
  async invoke(channel, request) {
    if (!isInvokeChannel(channel)) throw new Error(`unknown channel ${String(channel)}`);
    return unwrapResult((await ipcRenderer.invoke(channel, request)) as IpcResult<never>);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
    return listeners.on(event, listener);
  },
};

contextBridge.exposeInMainWorld('podnet', api);
