import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';

describe('config', () => {
  it('gives the local dev stack defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.temporal.externalAddress).toBeUndefined();
    expect(config.temporal.uiPort).toBe(8233);
    expect(config.temporal.taskQueue).toBe('orders');
    expect(config.mongo.uri).toBe('mongodb://127.0.0.1:27017/amazon_pay_orders');
    expect(config.api.port).toBe(3000);
  });

  it('uses external servers when their addresses are set, and treats empty values as unset', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', MONGODB_URI: 'mongodb://db/x', TEMPORAL_CLI_PATH: '' });
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.temporal.externalAddress).toBe('temporal:7233');
    expect(config.mongo.uri).toBe('mongodb://db/x');
    expect(config.temporal.cliPath).toBeUndefined();
  });

  it('derives addresses from the configured ports', () => {
    const config = loadConfig({ TEMPORAL_PORT: '7300', MONGODB_PORT: '27100', MONGODB_DB_NAME: 'shop' });
    expect(config.temporal.address).toBe('127.0.0.1:7300');
    expect(config.mongo.uri).toBe('mongodb://127.0.0.1:27100/shop');
  });

  it('refuses bad values, naming every bad key', () => {
    expect(() => loadConfig({ API_PORT: '70000', NODE_ENV: 'staging' })).toThrow(ConfigError);
    try {
      loadConfig({ API_PORT: '70000', NODE_ENV: 'staging' });
    } catch (error) {
      expect((error as Error).message).toContain('API_PORT');
      expect((error as Error).message).toContain('NODE_ENV');
    }
  });
});
