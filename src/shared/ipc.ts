// The one IPC contract: invoke channels (request → response) and push events.
// Electron's main process and the browser-mode server both serve exactly this
// map; the preload (or the WebSocket client) exposes it as `window.podnet`.
import type { BuiltinLab, LabSummary } from './lab';
import type { SerializedError } from './errors';

export interface InvokeMap {
  'labs:builtin': { request: void; response: BuiltinLab[] };
  'labs:list': { request: void; response: LabSummary[] };
}

export type InvokeChannel = keyof InvokeMap;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** What the renderer sees as `window.podnet`: one shape for both transports. */
export interface PodnetApi {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeMap[C]['request']): Promise<InvokeMap[C]['response']>;
}

export const INVOKE_CHANNELS: readonly InvokeChannel[] = ['labs:builtin', 'labs:list'];
