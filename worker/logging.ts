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
 * With `metricsAddress`, the runtime also serves the worker's Prometheus metrics (task slots, poll
 * and schedule-to-start latencies, workflow and activity outcomes) there, at `/metrics`.
 */
export function installTemporalLogging(log: Logger, options: { metricsAddress?: string | undefined } = {}): void {
  const threshold: LogLevel = log.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(threshold, (entry) => {
      log[levels[entry.level]]({ ...entry.meta, source: 'temporal-sdk' }, entry.message);
    }),
    ...(options.metricsAddress === undefined
      ? {}
      : {
          telemetryOptions: {
            metrics: { prometheus: { bindAddress: options.metricsAddress, useSecondsForDurations: true } },
          },
        }),
  });
}
