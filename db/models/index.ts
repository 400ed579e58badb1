import type { Connection } from 'mongoose';
import { systemCheckModel } from './system-check.js';

/** Every model bound to one connection. */
export function createModels(connection: Connection) {
  return {
    SystemCheck: systemCheckModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
