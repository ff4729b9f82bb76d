// Binds the engine facade to the IPC channels of src/shared/ipc.ts. Every
// handler checks its sender and returns the error envelope.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { InvokeChannel, InvokeMap, IpcResult } from '../../shared/ipc';
import { serializeError, type Engine } from '../engine/index';
import { listBuiltinLabs } from '../engine/builtin-labs';

type Handlers = { [C in InvokeChannel]: (req: InvokeMap[C]['request']) => Promise<InvokeMap[C]['response']> };

export function createHandlers(engine: Engine, resourcesDir: string): Handlers {
  return {
    'labs:builtin': () => listBuiltinLabs(resourcesDir),
    'labs:list': () => engine.list(),
  };
}

export function registerIpc(ipcMain: IpcMain, handlers: Handlers, isTrustedSender: (e: IpcMainInvokeEvent) => boolean): void {
  for (const channel of Object.keys(handlers) as InvokeChannel[]) {
    ipcMain.handle(channel, async (event, request: unknown): Promise<IpcResult<unknown>> => {
      if (!isTrustedSender(event)) return { ok: false, error: { code: 'E_USAGE', message: 'untrusted sender' } };
      try {
        return { ok: true, value: await (handlers[channel] as (r: unknown) => Promise<unknown>)(request) };
      } catch (e) {
        return { ok: false, error: serializeError(e) };
      }
    });
  }
}
