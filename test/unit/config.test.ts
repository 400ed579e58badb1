import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TLSConfig } from '@temporalio/client';
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

  it('puts Amazon Pay calls on a queue of their own, named after the orders queue unless set, at 4 a second', () => {
    expect(loadConfig({ TEMPORAL_TASK_QUEUE: 'shop' }).temporal.amazonTaskQueue).toBe('shop-amazon-pay');
    expect(loadConfig({ TEMPORAL_AMAZON_TASK_QUEUE: 'amazon' }).temporal.amazonTaskQueue).toBe('amazon');
    expect(loadConfig({}).worker.amazonCallsPerSecond).toBe(4);
    expect(loadConfig({ WORKER_AMAZON_CALLS_PER_SECOND: '0.5' }).worker.amazonCallsPerSecond).toBe(0.5);
    expect(() => loadConfig({ WORKER_AMAZON_CALLS_PER_SECOND: '0' })).toThrow(/WORKER_AMAZON_CALLS_PER_SECOND/);
  });

  it('uses external servers when their addresses are set, and treats empty values as unset', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal:7233',
      MONGODB_URI: 'mongodb://db/x',
      TEMPORAL_CLI_PATH: '',
    });
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

describe('config: purchase points', () => {
  it('P3: a points rate with more than two decimals is refused at start-up, not after Amazon authorized an order', () => {
    expect(loadConfig({ POINTS_RATE_PERCENT: '1.25' }).orders.pointsRatePercent).toBe(1.25);
    expect(() => loadConfig({ POINTS_RATE_PERCENT: '1.255' })).toThrow(/POINTS_RATE_PERCENT/);
    expect(() => loadConfig({ POINTS_RATE_PERCENT: '0.001' })).toThrow(/POINTS_RATE_PERCENT/);
  });
});

describe('config: worker tuning', () => {
  it('passes only the settings given to the worker, and refuses nonsense', () => {
    expect(loadConfig({}).worker).toMatchObject({
      tuning: {},
      shutdownGraceSeconds: 25,
      healthAddress: '127.0.0.1:9465',
    });
    const tuned = loadConfig({
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '80',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '50',
      WORKER_MAX_CACHED_WORKFLOWS: '0',
      WORKER_WORKFLOW_TASK_POLLERS: '',
      WORKER_ACTIVITY_TASK_POLLERS: '4',
      WORKER_SHUTDOWN_GRACE_SECONDS: '60',
      WORKER_HEALTH_ADDRESS: 'off',
    }).worker;
    expect(tuned.tuning).toEqual({
      maxConcurrentWorkflowTaskExecutions: 80,
      maxConcurrentActivityTaskExecutions: 50,
      maxCachedWorkflows: 0,
      maxConcurrentActivityTaskPolls: 4,
    });
    expect(tuned).toMatchObject({ shutdownGraceSeconds: 60, healthAddress: undefined });
    expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '0' })).toThrow(/WORKER_MAX_CONCURRENT_ACTIVITIES/);
    expect(() => loadConfig({ WORKER_ACTIVITY_TASK_POLLERS: 'many' })).toThrow(/WORKER_ACTIVITY_TASK_POLLERS/);
  });
});

describe('config: the Temporal connection', () => {
  it('reaches a production Temporal by its own client settings: mTLS with a custom CA, or an API key', () => {
    const mtls = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.shop.internal:7233',
      TEMPORAL_NAMESPACE: 'shop',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'keys/sandbox/emulator-notification-cert.pem',
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
      TEMPORAL_TLS_CLIENT_CERT_PATH: 'keys/sandbox/emulator-notification-cert.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: 'keys/sandbox/merchant-private.pem',
    });
    expect(mtls.temporal.externalAddress).toBe('temporal.shop.internal:7233');
    expect(mtls.temporal.namespace).toBe('shop');
    const tls = mtls.temporal.connection.tls as TLSConfig;
    expect(tls.serverNameOverride).toBe('frontend.temporal');
    expect(Buffer.from(tls.serverRootCACertificate ?? []).toString()).toContain('BEGIN CERTIFICATE');
    expect(Buffer.from(tls.clientCertPair?.key ?? []).toString()).toContain('PRIVATE KEY');

    const cloud = loadConfig({
      TEMPORAL_ADDRESS: 'shop.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'shop.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(cloud.temporal.connection).toMatchObject({
      address: 'shop.a1b2c.tmprl.cloud:7233',
      apiKey: 'key-123',
      tls: true,
    });
    expect(loadConfig({}).temporal.connection).toEqual({ address: '127.0.0.1:7233' });
  });

  it('reads a Temporal profile file only when TEMPORAL_CONFIG_FILE names one; variables override it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-profile-'));
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(
      file,
      '[profile.default]\naddress = "a:7233"\n[profile.prod]\naddress = "prod:7233"\nnamespace = "shop"\napi_key = "k"\n',
    );
    const prod = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' });
    expect(prod.temporal).toMatchObject({ address: 'prod:7233', namespace: 'shop', externalAddress: 'prod:7233' });
    expect(prod.temporal.connection).toMatchObject({ apiKey: 'k', tls: true });
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: 'b:7233' }).temporal.address).toBe('b:7233');
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' })).toThrow(
      /: TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE: Profile 'staging' not found/,
    );
  });

  it('a Temporal setting that cannot be used is reported under the variable(s) behind it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-settings-'));
    const missing = path.join(dir, 'missing-client.pem');
    const message = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('loadConfig accepted the environment');
    };
    const mtls = {
      TEMPORAL_ADDRESS: 'temporal.shop.internal:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'keys/sandbox/emulator-notification-cert.pem',
      TEMPORAL_TLS_CLIENT_CERT_PATH: 'keys/sandbox/emulator-notification-cert.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: 'keys/sandbox/merchant-private.pem',
    };
    // A certificate file that is not there: its variable, and no profile file that was never set.
    const noCert = message({ ...mtls, TEMPORAL_TLS_CLIENT_CERT_PATH: missing });
    expect(noCert).toMatch(/^invalid configuration: TEMPORAL_TLS_CLIENT_CERT_PATH: ENOENT/);
    expect(noCert).toContain(missing);
    expect(noCert).not.toContain('TEMPORAL_CONFIG_FILE');
    expect(message({ ...mtls, TEMPORAL_TLS_SERVER_CA_CERT_PATH: missing })).toMatch(
      /^invalid configuration: TEMPORAL_TLS_SERVER_CA_CERT_PATH: ENOENT/,
    );
    // One file for certificate and key (a bundle): both variables.
    expect(message({ ...mtls, TEMPORAL_TLS_CLIENT_CERT_PATH: missing, TEMPORAL_TLS_CLIENT_KEY_PATH: missing })).toMatch(
      /^invalid configuration: TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH: ENOENT/,
    );
    // The certificate given twice, as a path and as data.
    expect(message({ ...mtls, TEMPORAL_TLS_CLIENT_CERT_DATA: '-----BEGIN CERTIFICATE-----' })).toMatch(
      /^invalid configuration: TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_CERT_DATA: Cannot specify both/,
    );
    // The profile file itself missing, or a path in it that is: the profile file.
    expect(message({ TEMPORAL_CONFIG_FILE: path.join(dir, 'none.toml') })).toMatch(
      /^invalid configuration: TEMPORAL_CONFIG_FILE: ENOENT/,
    );
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(
      file,
      `[profile.default]\naddress = "a:7233"\n[profile.default.tls]\nclient_cert_path = "${missing}"\n`,
    );
    expect(message({ TEMPORAL_CONFIG_FILE: file })).toMatch(/^invalid configuration: TEMPORAL_CONFIG_FILE: ENOENT/);
  });
});

describe('config: ops credentials', () => {
  it('parses named credentials with roles', () => {
    const config = loadConfig({ OPS_TOKENS: 'alice:operator:aaaaaaaaaaaaaaaa1, bob:viewer:bbbbbbbbbbbbbbbb2' });
    expect(config.ops.credentials).toEqual([
      { name: 'alice', role: 'operator', token: 'aaaaaaaaaaaaaaaa1' },
      { name: 'bob', role: 'viewer', token: 'bbbbbbbbbbbbbbbb2' },
    ]);
  });

  it('refuses unknown roles, short tokens, duplicate names, and dev defaults in production', () => {
    expect(() => loadConfig({ OPS_TOKENS: 'alice:admin:aaaaaaaaaaaaaaaa1' })).toThrow(/OPS_TOKENS/);
    expect(() => loadConfig({ OPS_TOKENS: 'alice:operator:short' })).toThrow(/OPS_TOKENS/);
    expect(() => loadConfig({ OPS_TOKENS: 'a:operator:aaaaaaaaaaaaaaaa1,a:viewer:bbbbbbbbbbbbbbbb2' })).toThrow(
      /unique/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/must be set in production/);
  });

  it("mails go to the dev stack's catcher unless SMTP_URL names a server; production must name one and a sender", () => {
    expect(loadConfig({}).mail).toEqual({
      smtpUrl: 'smtp://127.0.0.1:1025',
      externalSmtpUrl: undefined,
      from: 'order@example.jp',
      catcher: { smtpPort: 1025, uiPort: 1080 },
    });
    const shop = loadConfig({
      SMTP_URL: 'smtps://shop:secret@mail.example.jp:465',
      MAIL_FROM: 'order@shop.example.jp',
    });
    expect(shop.mail).toMatchObject({
      smtpUrl: 'smtps://shop:secret@mail.example.jp:465',
      externalSmtpUrl: 'smtps://shop:secret@mail.example.jp:465',
      from: 'order@shop.example.jp',
    });
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.jp' })).toThrow(/SMTP_URL: expected smtp/);
    expect(() => loadConfig({ MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM/);
    const production = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(32),
      ORDER_TOKEN_SECRET: 'y'.repeat(32),
      OPS_TOKENS: `a:operator:${'z'.repeat(20)}`,
      PAYLOAD_CODEC_KEYS: 'prod-1:IkfPL4syRKCzVRqVncAlaFkVwlxOvKrQQECr2LRUnnY=',
    };
    expect(() => loadConfig(production)).toThrow(/SMTP_URL, MAIL_FROM must be set in production/);
    expect(() => loadConfig({ ...production, SMTP_URL: 'smtp://mail.example.jp:587' })).toThrow(
      /MAIL_FROM must be set in production/,
    );
    expect(
      loadConfig({ ...production, SMTP_URL: 'smtp://mail.example.jp:587', MAIL_FROM: 'order@shop.example.jp' }).mail
        .smtpUrl,
    ).toBe('smtp://mail.example.jp:587');
  });
});
