// Exposes exactly the shared IPC contract as `window.podnet`: invoke on the
// known channels, and listeners for the known push events. Nothing of
// Electron (ipcRenderer, event objects) reaches the page. A failed invoke
// rejects with the envelope's plain error object (the context bridge would
// strip an Error's code, hint and diagnostics); the page wraps the API with
// withApiErrors() to get Errors back.
import { contextBridge, ipcRenderer } from 'electron';
import { EventListeners } from '../shared/event-listeners';
import { ELECTRON_EVENT_CHANNEL, isEventName, isInvokeChannel, type IpcResult, type PodnetApi } from '../shared/ipc';

const listeners = new EventListeners();

ipcRenderer.on(ELECTRON_EVENT_CHANNEL, (_event, message: { event: unknown; payload: unknown }) => {
  if (isEventName(message?.event)) listeners.emit(message.event, message.payload);
});

const api: PodnetApi = {
  async invoke(channel, request) {
    if (!isInvokeChannel(channel)) throw new Error(`unknown channel ${String(channel)}`);
    const result = (await ipcRenderer.invoke(channel, request)) as IpcResult<never>;
    if (result.ok) return result.value;
    throw result.error;
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
    return listeners.on(event, listener);
  },
};

contextBridge.exposeInMainWorld('podnet', api);
