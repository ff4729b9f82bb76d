// Everything one client (the Electron window, or one browser tab over the
// WebSocket) can do, bound to the engine. The client's terminals, watches and
// launches belong to it; dispose() ends its terminals and watches.
import { ERROR_CODES } from '../../shared/errors';
import type { AppInfo, LaunchSource } from '../../shared/ipc';
import { listBuiltinLabs } from '../engine/builtin-labs';
import { PodnetError } from '../engine/errors';
import type { Engine, LabSource } from '../engine/index';
import { TerminalRegistry } from '../engine/terminals/terminal-registry';
import type { FlowLimits } from '../engine/terminals/flow-control';
import type { Handlers } from './dispatch';
import type { EventQueue } from './event-queue';

export interface ClientOptions {
  engine: Engine;
  resourcesDir: string;
  events: EventQueue;
  info: AppInfo;
  flow?: FlowLimits;
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
  const launches = new Map<string, AbortController>();
  const watches = new Map<string, () => void>();
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
    async 'labs:up'({ opId, source }) {
      if (launches.has(opId)) throw new PodnetError(ERROR_CODES.USAGE, `operation ${opId} is already running`);
      const controller = new AbortController();
      launches.set(opId, controller);
      try {
        const result = await engine.up(await labSource(source), {
          signal: controller.signal,
          onProgress: (progress) => events.emit('up:progress', { opId, progress }),
          onLog: (line) => events.emit('up:log', { opId, line }),
        });
        return { name: result.name, elapsedMs: result.elapsedMs };
      } finally {
        launches.delete(opId);
      }
    },
    async 'labs:cancel'({ opId }) {
      launches.get(opId)?.abort();
    },
    async 'labs:down'({ name }) {
      unwatch(name);
      return { removed: await engine.down(name) };
    },
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
  };

  return {
    handlers,
    events,
    get launching() {
      return launches.size;
    },
    cancelLaunches() {
      for (const c of launches.values()) c.abort();
    },
    dispose() {
      events.close();
      terminals.closeAll();
      for (const lab of [...watches.keys()]) unwatch(lab);
    },
  };
}
