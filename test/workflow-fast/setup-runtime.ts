// The fast tier's stubs fail activities on purpose (Amazon unreachable): those warnings are noise
// here; every other SDK warning is kept.
import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';

class FastTierLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (message === 'Activity failed') return;
    super.log(level, message, meta);
  }
}

try {
  Runtime.install({ logger: new FastTierLogger('WARN') });
} catch {
  // Already installed in this process.
}
