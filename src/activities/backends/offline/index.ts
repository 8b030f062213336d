export { offlineBackend } from './render';
