// The backends a worker can run, by kind. Channels choose a kind per capability in their configuration.
import type { BackendRegistry } from './backends';
import { gradioBackend } from './gradio/index';
import { offlineBackend } from './offline/index';

export function defaultBackends(): BackendRegistry {
  return {
    offline: offlineBackend,
    gradio: gradioBackend,
  };
}
