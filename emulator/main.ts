/** `npm run emulator`: the Amazon Pay sandbox emulator as its own process, configured by config/. */
import { loadConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { createEmulator } from './app.js';

const config = loadConfig();
const logger = createLogger(config, 'amazon-pay-emulator');
const emulator = createEmulator({
  merchantId: config.amazonPay.merchantId,
  notificationUrl: config.emulator.notificationUrl,
  pendingAuthDelayMs: config.emulator.pendingAuthDelayMs,
  controlApi: config.emulator.controlApi,
  log: { info: (msg, extra) => logger.info(extra ?? {}, msg), warn: (msg, extra) => logger.warn(extra ?? {}, msg) },
});
const running = await emulator.start(config.emulator.port, config.emulator.host);
logger.info(
  {
    url: running.url,
    controlApi: config.emulator.controlApi,
    notificationUrl: config.emulator.notificationUrl ?? null,
    pendingAuthDelayMs: config.emulator.pendingAuthDelayMs,
  },
  'Amazon Pay emulator listening',
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    void running.close().then(() => process.exit(0));
  });
}
