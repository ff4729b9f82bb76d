/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { PodnetApi } from '../../shared/ipc';

declare global {
  interface Window {
    podnet: PodnetApi;
  }
}
