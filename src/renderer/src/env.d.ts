/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { PodnetApi } from '../../shared/ipc';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    podnet?: PodnetApi;
  }
}
