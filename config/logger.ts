import { pino, type Logger } from 'pino';
import type { AppConfig } from './index.js';

/** One structured (JSON) logger per process, named after the component. */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, component: string): Logger {
  return pino({ level: config.logLevel, base: { component } });
}

export type { Logger };
