// Everything one client (the Electron window, or one browser tab over the
// WebSocket) can do, bound to the engine. The client's terminals, watches,
// launches and captures belong to it; dispose() ends its terminals, watches
// and captures.
import { ERROR_CODES } from '../shared/errors';
import type { AppInfo, LaunchSource } from '../shared/ipc';
import { listBuiltinLabs } from '../engine/builtin-labs';
import { PodnetError } from '../engine/errors';
import type { Engine, LabSource } from '../engine/index';
import { TerminalRegistry } from '../engine/terminals/terminal-registry';
import type { FlowLimits } from '../engine/terminals/flow-control';
import { CaptureRegistry, type SaveBytes } from './capture-registry';
import type { Handlers } from './dispatch';
import type { EventQueue } from './event-queue';
import { exerciseHandlers } from './exercise-handlers';
import { launchProgress, Launches } from './launches';

export interface ClientOptions {
  engine: Engine;
  resourcesDir: string;
  events: EventQueue;
  info: AppInfo;
  flow?: FlowLimits;
  /** The desktop app saves captures through a native dialog; without it (a browser) the page downloads the bytes. */
  saveFile?: SaveBytes;
}

export interface ClientApi {
  handlers: Handlers;
  /** This client's push events (e.g. menu commands from the app menu). */
  readonly events: EventQueue;
  /** Labs this client is building right now. */
  readonly launching: number;
  /** Cancels every launch in progress (each removes what it created). */
  cancelLaunches(): void;
  dispose(): void;
}

/** Continuous ping that says so when a reply is missing (`-O`), numeric. */
export const pingTerminalArgv = (address: string): string[] => ['ping', '-n', '-O', address];

export function createClientApi(opts: ClientOptions): ClientApi {
  const { engine, events } = opts;
  const launches = new Launches();
  const captures = new CaptureRegistry(engine, events, opts.saveFile);
  const watches = new Map<string, () => void>();
  const paths = new Set<AbortController>();
  const terminals = new TerminalRegistry(
    (lab, target, size, shellOpts) => engine.shell(lab, target, size, shellOpts),
    {
      data: (id, data) => events.emit('terminal:data', { id, data }),
      exit: (id, code) => events.emit('terminal:exit', { id, code }),
    },
    opts.flow,
  );

  const labSource = async (source: LaunchSource): Promise<LabSource> => {
    if ('text' in source) return { text: source.text, file: source.file };
    const lab = (await listBuiltinLabs(opts.resourcesDir)).find((l) => l.name === source.builtin);
    if (!lab) throw new PodnetError(ERROR_CODES.USAGE, `there is no built-in lab "${source.builtin}"`);
    return { path: lab.file };
  };

  const unwatch = (lab: string) => {
    watches.get(lab)?.();
    watches.delete(lab);
  };

  const handlers: Handlers = {
    async 'app:ready'() {
      events.ready();
      return opts.info;
    },
    'labs:builtin': () => listBuiltinLabs(opts.resourcesDir),
    'labs:list': () => engine.list(),
    'labs:up': ({ opId, source }) =>
      launches.run(opId, async (signal) => {
        const result = await engine.up(await labSource(source), { signal, ...launchProgress(events, opId) });
        return { name: result.name, elapsedMs: result.elapsedMs };
      }),
    async 'labs:cancel'({ opId }) {
      launches.cancel(opId);
    },
    async 'labs:down'({ name }) {
      unwatch(name);
      return { removed: await engine.down(name) };
    },
    'labs:repair': ({ name }) => engine.repair(name),
    async 'topology:watch'({ lab }) {
      // Watching again sends the latest snapshot again (a view that re-opens).
      unwatch(lab);
      watches.set(
        lab,
        engine.watch(
          lab,
          (snapshot) => events.emit('topology:snapshot', { lab, snapshot }),
          (e) => events.emit('topology:error', { lab, message: e.message }),
        ),
      );
    },
    async 'topology:unwatch'({ lab }) {
      unwatch(lab);
    },
    'terminal:open': ({ lab, target, cols, rows, ping }) =>
      terminals.open({ lab, target, cols, rows, ...(ping ? { argv: pingTerminalArgv(ping), title: `ping ${ping} from ${target}` } : {}) }),
    async 'terminal:input'({ id, data }) {
      terminals.input(id, data);
    },
    'terminal:resize': ({ id, cols, rows }) => terminals.resize(id, cols, rows),
    async 'terminal:ack'({ id, chars }) {
      terminals.ack(id, chars);
    },
    async 'terminal:close'({ id }) {
      terminals.close(id);
    },
    async 'terminal:record'({ id, on }) {
      return terminals.record(id, on);
    },
    ...exerciseHandlers(engine, events, launches),
    'capture:start': (request) => captures.start(request),
    'capture:stop': ({ id }) => captures.stop(id),
    'capture:save': ({ id }) => captures.save(id),
    async 'capture:discard'({ id }) {
      captures.discard(id);
    },
    async 'path:trace'({ lab, from, to, protocol, port }) {
      // A closed client (window, tab) cancels its traces: their marks are removed at once.
      const controller = new AbortController();
      paths.add(controller);
      try {
        return await engine.packetPath(lab, from, to, { signal: controller.signal, ...(protocol ? { protocol } : {}), ...(port !== undefined ? { port } : {}) });
      } finally {
        paths.delete(controller);
      }
    },
  };

  return {
    handlers,
    events,
    get launching() {
      return launches.size;
    },
    cancelLaunches() {
      launches.cancelAll();
    },
    dispose() {
      events.close();
      terminals.closeAll();
      captures.dispose();
      for (const p of paths) p.abort();
      for (const lab of [...watches.keys()]) unwatch(lab);
    },
  };
}
