// Picks the transport — Electron's preload (`window.podnet`) or the
// WebSocket of `podnet serve` — and mounts the app on it.
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { withApiErrors } from '../../shared/ipc';
import { takePageToken } from './lib/page-token';
import { connectWebSocketApi, socketUrl } from './lib/ws-transport';

let disconnected = (_reason: string) => undefined as void;
const api = window.podnet
  ? withApiErrors(window.podnet)
  : connectWebSocketApi(socketUrl(window.location, takePageToken(window) ?? ''), {
    onclose: (reason) => disconnected(reason),
  });

mount(App, {
  target: document.getElementById('app')!,
  props: {
    api,
    transport: window.podnet ? 'electron' : 'browser',
    onDisconnect: (listener: (reason: string) => void) => {
      disconnected = listener;
    },
  },
});
