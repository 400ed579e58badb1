import type { Models } from '../db/models/index.js';
import { createSystemCheckActivities } from './system-check.js';

export interface ActivityDeps {
  models: Models;
}

/** Every activity the worker registers, built from injected dependencies (tests pass their own). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemCheckActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
