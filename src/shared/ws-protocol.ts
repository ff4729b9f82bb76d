// Browser mode's wire format: the IPC contract as JSON messages over one
// WebSocket. Requests carry an id; results answer it; events are pushed.
import type { EventMap, EventName, IpcResult } from './ipc';

export type ClientMessage = { t: 'invoke'; id: number; channel: string; request?: unknown };

export type ServerMessage =
  | { t: 'result'; id: number; result: IpcResult<unknown> }
  | { [E in EventName]: { t: 'event'; event: E; payload: EventMap[E] } }[EventName];

/** Path of the API socket; the token goes in the `token` query parameter. */
export const WS_PATH = '/api';
export const TOKEN_PARAM = 'token';
