import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's own logs (worker, bundler, core) into the process's pino logger.
 * Below debug, the SDK logs only warnings: its info lines (bundle contents, state changes) are noise.
 */
export function installTemporalLogging(log: Logger): void {
  const threshold: LogLevel = log.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(threshold, (entry) => {
      log[levels[entry.level]]({ ...entry.meta, source: 'temporal-sdk' }, entry.message);
    }),
  });
}
