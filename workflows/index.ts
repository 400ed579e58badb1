// The workflow bundle's entry: every workflow type the worker runs.
export { stackSelfCheck } from './system-check.js';
