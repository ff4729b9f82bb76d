// The one IPC contract: invoke channels (request → response) and push events.
// Electron's main process and the browser-mode server both serve exactly this
// map; the preload (or the WebSocket client) exposes it as `window.podnet`.
import type { CapturedPacket, CaptureRequest, CaptureSummary } from './capture';
import type { Exercise, ExerciseSummary, StepCheck } from './exercise';
import type { BuiltinLab, LabRepair, LabSummary, UpProgress } from './lab';
import type { SerializedError } from './errors';
import type { PacketPath, PathProtocol } from './path';
import type { Snapshot } from './snapshot';

/** What to launch: a built-in lab by name, or the text of a lab file the user opened. */
export type LaunchSource = { builtin: string } | { text: string; file: string };

export interface AppInfo {
  transport: 'electron' | 'browser';
  version: string;
}

export interface LaunchResult {
  name: string;
  elapsedMs: number;
}

export interface TerminalOpenRequest {
  lab: string;
  /** `host`, `host/pod` or `internet`. */
  target: string;
  cols: number;
  rows: number;
  /** Run `ping <address>` instead of a login shell (the Ping… action). */
  ping?: string;
}

export interface TerminalInfo {
  id: string;
  lab: string;
  target: string;
  title: string;
}

/** A finished recording of a terminal session. */
export interface TerminalRecording {
  /** asciicast v2 (newline-delimited JSON), plays in asciinema. */
  cast: string;
  /** What was printed, without escape sequences. */
  text: string;
  durationMs: number;
  /** The recording stopped taking output at its bound (8 Mi characters). */
  truncated?: boolean;
}

/** An exercise by id (`flannel-vxlan`) or number (`6`), on its own lab or one named `lab`. */
export interface ExerciseRef {
  id: string;
  /** The lab it runs on, when not the built-in lab's own name (tests, several learners). */
  lab?: string;
}

/** A capture the page started: its id is the page's own (events for it can come before the answer). */
export interface CaptureStartRequest extends CaptureRequest {
  id: string;
  lab: string;
}

/**
 * A saved capture. The desktop app asks where to save it in a native dialog
 * (`path`: where it went, null if the user cancelled); a browser gets the
 * bytes and downloads them.
 */
export type SavedCapture = { how: 'dialog'; path: string | null } | { how: 'download'; name: string; base64: string };

export interface InvokeMap {
  /** The renderer is mounted and listening: queued events are delivered from now on. */
  'app:ready': { request: void; response: AppInfo };
  'labs:builtin': { request: void; response: BuiltinLab[] };
  'labs:list': { request: void; response: LabSummary[] };
  /** Builds a lab; progress arrives as `up:progress` / `up:log` events with the same opId. */
  'labs:up': { request: { opId: string; source: LaunchSource }; response: LaunchResult };
  'labs:cancel': { request: { opId: string }; response: void };
  'labs:down': { request: { name: string }; response: { removed: string[] } };
  /** Brings a degraded lab back (hosts stopped, paused, restarted or removed; a stopped underlay switch). */
  'labs:repair': { request: { name: string }; response: LabRepair };
  /** Starts pushing `topology:snapshot` for the lab (the latest at once). */
  'topology:watch': { request: { lab: string }; response: void };
  'topology:unwatch': { request: { lab: string }; response: void };
  'terminal:open': { request: TerminalOpenRequest; response: TerminalInfo };
  'terminal:input': { request: { id: string; data: string }; response: void };
  'terminal:resize': { request: { id: string; cols: number; rows: number }; response: void };
  /** The renderer has rendered `chars` characters of this session's output (flow control). */
  'terminal:ack': { request: { id: string; chars: number }; response: void };
  'terminal:close': { request: { id: string }; response: void };
  /** Starts (on: true → null) or stops (on: false → the recording) recording a session. */
  'terminal:record': { request: { id: string; on: boolean }; response: TerminalRecording | null };
  'exercises:list': { request: void; response: ExerciseSummary[] };
  /** With `lab` (running): commands and check labels filled in from its observed state. */
  'exercises:get': { request: ExerciseRef; response: Exercise };
  /** Launches the exercise's lab (`reset`: removes a running one first); progress as `up:progress` / `up:log`, cancel with `labs:cancel`. */
  'exercises:start': { request: ExerciseRef & { opId: string; reset?: boolean }; response: LaunchResult };
  /** Evaluates the checks of every step (or `step`) against the lab's real state. */
  'exercises:check': { request: ExerciseRef & { step?: number }; response: StepCheck[] };
  /** Starts tcpdump on an interface of a host or pod; packets arrive as `capture:packets`, the end as `capture:end`. */
  'capture:start': { request: CaptureStartRequest; response: void };
  'capture:stop': { request: { id: string }; response: CaptureSummary };
  /** Everything captured so far as a .pcap file. */
  'capture:save': { request: { id: string }; response: SavedCapture };
  /** Forgets a capture (stopping it if it runs). */
  'capture:discard': { request: { id: string }; response: void };
  /**
   * One ping (or a TCP connection attempt / UDP datagram to `port`) `from` → `to`, traced in the namespaces it
   * can cross: the hops it really took and why each went where it went. A closed client cancels it.
   */
  'path:trace': { request: { lab: string; from: string; to: string; protocol?: PathProtocol; port?: number }; response: PacketPath };
}

/** A lab file the user picked: its name and text. */
export interface LabFile {
  name: string;
  text: string;
}

export type MenuCommand = 'open-lab-file' | 'ping' | 'new-terminal' | 'fit-topology';

export interface EventMap {
  'up:progress': { opId: string; progress: UpProgress };
  'up:log': { opId: string; line: string };
  'topology:snapshot': { lab: string; snapshot: Snapshot };
  'topology:error': { lab: string; message: string };
  'terminal:data': { id: string; data: string };
  'terminal:exit': { id: string; code: number | null };
  /** Packets of a capture, in order, a batch at a time. */
  'capture:packets': { id: string; packets: CapturedPacket[] };
  'capture:end': { id: string; summary: CaptureSummary };
  /** An app-menu item; "Open Lab File…" in the desktop app carries the file the user chose in the native dialog. */
  'menu:command': { command: MenuCommand; file?: LabFile };
}

export type InvokeChannel = keyof InvokeMap;
export type EventName = keyof EventMap;
export type Request<C extends InvokeChannel> = InvokeMap[C]['request'];
export type Response<C extends InvokeChannel> = InvokeMap[C]['response'];

/** The one Electron IPC channel that carries push events to the page. */
export const ELECTRON_EVENT_CHANNEL = 'podnet:event';

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** An error from the other side of the transport, with the engine's code, hint and diagnostics. */
export interface PodnetApiError extends Error {
  code: SerializedError['code'];
  hint?: string;
  diagnostics?: SerializedError['diagnostics'];
  omittedDiagnostics?: number;
}

/** What the renderer sees as `window.podnet`: one shape for both transports. */
export interface PodnetApi {
  invoke<C extends InvokeChannel>(channel: C, request: Request<C>): Promise<Response<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

const INVOKE_CHANNEL_SET: { [C in InvokeChannel]: true } = {
  'app:ready': true,
  'labs:builtin': true,
  'labs:list': true,
  'labs:up': true,
  'labs:cancel': true,
  'labs:down': true,
  'labs:repair': true,
  'topology:watch': true,
  'topology:unwatch': true,
  'terminal:open': true,
  'terminal:input': true,
  'terminal:resize': true,
  'terminal:ack': true,
  'terminal:close': true,
  'terminal:record': true,
  'exercises:list': true,
  'exercises:get': true,
  'exercises:start': true,
  'exercises:check': true,
  'capture:start': true,
  'capture:stop': true,
  'capture:save': true,
  'capture:discard': true,
  'path:trace': true,
};

const EVENT_NAME_SET: { [E in EventName]: true } = {
  'up:progress': true,
  'up:log': true,
  'topology:snapshot': true,
  'topology:error': true,
  'terminal:data': true,
  'terminal:exit': true,
  'capture:packets': true,
  'capture:end': true,
  'menu:command': true,
};

export const INVOKE_CHANNELS = Object.keys(INVOKE_CHANNEL_SET) as readonly InvokeChannel[];
export const EVENT_NAMES = Object.keys(EVENT_NAME_SET) as readonly EventName[];

export const isInvokeChannel = (c: unknown): c is InvokeChannel => typeof c === 'string' && Object.hasOwn(INVOKE_CHANNEL_SET, c);
export const isEventName = (e: unknown): e is EventName => typeof e === 'string' && Object.hasOwn(EVENT_NAME_SET, e);

/** Turns an error envelope back into an Error (same on both transports). */
export function envelopeError(error: SerializedError): PodnetApiError {
  const e = new Error(error.message) as PodnetApiError;
  e.name = 'PodnetApiError';
  e.code = error.code;
  if (error.hint) e.hint = error.hint;
  if (error.diagnostics) e.diagnostics = error.diagnostics;
  if (error.omittedDiagnostics) e.omittedDiagnostics = error.omittedDiagnostics;
  return e;
}

const isSerializedError = (e: unknown): e is SerializedError =>
  typeof e === 'object' && e !== null && !(e instanceof Error) && typeof (e as SerializedError).code === 'string' && typeof (e as SerializedError).message === 'string';

/**
 * Electron's context bridge drops an Error's own properties (code, hint,
 * diagnostics), so the preload rejects with the plain envelope error and
 * the page turns it back into an Error with this.
 */
export function withApiErrors(api: PodnetApi): PodnetApi {
  return {
    invoke: (channel, request) =>
      api.invoke(channel, request).catch((e: unknown) => {
        throw isSerializedError(e) ? envelopeError(e) : e;
      }),
    on: (event, listener) => api.on(event, listener),
  };
}

/** The result of an envelope: its value, or its error thrown. */
export function unwrapResult<T>(result: IpcResult<T>): T {
  if (result.ok) return result.value;
  throw envelopeError(result.error);
}
