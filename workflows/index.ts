// The workflow bundle's entry: every workflow type the worker runs.
export { orderWorkflow } from './order/workflow.js';
export { pointsAccountWorkflow } from './points/workflow.js';
export { reconciliationWorkflow } from './reconciliation.js';
export { stackSelfCheck } from './system-check.js';
