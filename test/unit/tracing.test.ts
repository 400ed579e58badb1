/**
 * Tracing's settings and its off switch. Off — no OTLP endpoint — means no OpenTelemetry module is
 * even loaded: checked in a process of its own, whose module loader records every module resolved
 * while the API's and the worker's code is imported. The trace itself: test/integration/tracing.test.ts.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';
import { createLogger } from '../../config/logger.js';
import { startTracing } from '../../config/tracing.js';

const execFile = promisify(execFileCallback);

describe('config: tracing', () => {
  it('is off unless an OTLP endpoint is set; the service name or a sampler alone turn nothing on', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(
      loadConfig({ OTEL_SERVICE_NAME: 'shop-api', OTEL_TRACES_SAMPLER: 'always_on', OTEL_EXPORTER_OTLP_ENDPOINT: '' })
        .tracing,
    ).toBeUndefined();
  });

  it('follows OpenTelemetry: the base endpoint gets /v1/traces, the traces endpoint is taken as it is', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      serviceName: undefined,
      resourceAttributes: {},
      sampler: { name: 'parentbased_always_on', ratio: 1 },
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp/spans',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, x-team = shop',
        OTEL_SERVICE_NAME: 'shop-worker',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=production',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }).tracing,
    ).toEqual({
      tracesUrl: 'https://traces.example.com/otlp/spans',
      protocol: 'http/json',
      headers: { 'x-api-key': 'abc==', 'x-team': 'shop' },
      serviceName: 'shop-worker',
      resourceAttributes: { 'deployment.environment.name': 'production' },
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
    });
  });

  it('OTEL_SDK_DISABLED keeps it off even with an endpoint', () => {
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing,
    ).toBeUndefined();
  });

  it('refuses what it cannot do or read: gRPC, a non-HTTP endpoint, a malformed header, a ratio above 1', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(() => loadConfig({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
    expect(() => loadConfig({ ...endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...endpoint, OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});

describe('tracing off', () => {
  it('starts nothing', async () => {
    expect(await startTracing(loadConfig({}).tracing, 'api')).toBeUndefined();
  });

  it('leaves log lines as they were; with tracing, a line carries the active span ids', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const config = loadConfig({ LOG_LEVEL: 'info' });
    createLogger(config, 'api', sink).info('untraced');
    const ids = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' };
    createLogger(config, 'api', sink, { logFields: () => ids }).info('traced');
    const [untraced, traced] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(untraced).not.toHaveProperty('trace_id');
    expect(traced).toMatchObject({ msg: 'traced', ...ids });
  });

  it('loads no OpenTelemetry module: the API and the worker import as they did before tracing', async () => {
    const [off, on] = await Promise.all([
      modulesResolved({}),
      // The same probe sees them when tracing is configured (nothing listens there: nothing is sent).
      modulesResolved({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }),
    ]);
    expect(off.tracing).toBe(false);
    expect(off.resolved.some((url) => url.includes('/api/server.ts'))).toBe(true);
    expect(off.resolved.filter((url) => TRACING_MODULE.test(url))).toEqual([]);
    expect(on.tracing).toBe(true);
    expect(on.resolved.filter((url) => TRACING_MODULE.test(url)).length).toBeGreaterThan(5);
  }, 60_000);
});

const TRACING_MODULE =
  /\/(@opentelemetry\/(?!api\/)[^/]+|import-in-the-middle|interceptors-opentelemetry)\/|\/config\/tracing-sdk\.ts$|\/worker\/tracing\.ts$/;

/**
 * In a process of its own (node --import tsx, as `npm start` runs the services): every module URL
 * the loader resolves while the tracing switch runs and the API's and worker's modules are imported.
 */
async function modulesResolved(env: NodeJS.ProcessEnv): Promise<{ tracing: boolean; resolved: string[] }> {
  const hook = `
    let port;
    export function initialize(data) { port = data.port; }
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context);
      port.postMessage(result.url);
      return result;
    }`;
  const probe = `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const resolved = [];
    port1.on('message', (url) => resolved.push(url));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), import.meta.url, {
      data: { port: port2 },
      transferList: [port2],
    });
    const { loadConfig } = await import('./config/index.ts');
    const { startTracing } = await import('./config/tracing.ts');
    const tracing = await startTracing(loadConfig().tracing, 'worker');
    await import('./api/server.ts');
    await import('./worker/run.ts');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tracing?.shutdown();
    console.log(JSON.stringify({ tracing: tracing !== undefined, resolved }));
    process.exit(0);`;
  const { stdout } = await execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { tracing: boolean; resolved: string[] };
}
