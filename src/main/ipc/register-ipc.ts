// Binds the contract to Electron's IPC for the one window: every invoke is
// checked for its sender (this window's main frame, showing the app's own
// page), validated and answered in the error envelope by dispatch(). Push
// events go out on one channel through the window's EventQueue. A reload
// starts a fresh client (the old page's terminals and watches end).
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { ERROR_CODES } from '../../shared/errors';
import { ELECTRON_EVENT_CHANNEL, INVOKE_CHANNELS, type IpcResult } from '../../shared/ipc';
import type { ClientApi } from '../../app-api/client-api';
import { dispatch } from '../../app-api/dispatch';
import { EventQueue } from '../../app-api/event-queue';

export interface RendererBinding {
  current(): ClientApi;
  dispose(): void;
}

export function bindRendererApi(
  ipcMain: IpcMain,
  contents: WebContents,
  makeClient: (events: EventQueue) => ClientApi,
  isAppUrl: (url: string) => boolean,
): RendererBinding {
  const fresh = () =>
    makeClient(
      new EventQueue((event, payload) => {
        if (!contents.isDestroyed()) contents.send(ELECTRON_EVENT_CHANNEL, { event, payload });
      }),
    );
  let client = fresh();
  const trusted = (e: IpcMainInvokeEvent) => e.sender === contents && e.senderFrame === contents.mainFrame && isAppUrl(e.senderFrame.url);

  contents.on('did-start-navigation', (details) => {
    if (!details.isMainFrame || details.isSameDocument) return;
    client.dispose();
    client = fresh();
  });
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, request: unknown): Promise<IpcResult<unknown>> => {
      if (!trusted(event)) return { ok: false, error: { code: ERROR_CODES.USAGE, message: 'refused: the request did not come from the app window' } };
      return dispatch(client.handlers, channel, request);
    });
  }
  return {
    current: () => client,
    dispose() {
      for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
      client.dispose();
    },
  };
}
