/**
 * Worker process entry: `npm run worker` (the dev stack starts it for you). Tracing, when configured,
 * starts before anything it instruments is loaded (the HTTP client of the Amazon Pay SDK, the MongoDB
 * driver): the worker itself is imported only afterwards.
 */
import { loadConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { startTracing } from '../config/tracing.js';

const config = loadConfig();
const tracing = await startTracing(config.tracing, 'worker');
const log = createLogger(config, 'worker', undefined, tracing);
tracing?.reportTo(log);
const { runWorker } = await import('./run.js');
await runWorker(config, log, tracing);
