/**
 * API process entry: `npm run api` (the dev stack starts it for you). Tracing, when configured, starts
 * before anything it instruments is loaded (http, Express, the MongoDB driver): the API itself is
 * imported only afterwards.
 */
import { loadConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { startTracing } from '../config/tracing.js';

const config = loadConfig();
const tracing = await startTracing(config.tracing, 'api');
const log = createLogger(config, 'api', undefined, tracing);
tracing?.reportTo(log);
const { serveApi } = await import('./server.js');
serveApi(config, log, tracing);
