/**
 * OpenTelemetry for the API and the worker, loaded by `startTracing` (config/tracing.ts) only when an
 * OTLP endpoint is configured, and before the process loads anything it instruments:
 * - HTTP (`instrumentation-http`): a server span per request (not the probes or `/metrics`), a client
 *   span per outgoing request (the Amazon Pay SDK's calls), W3C trace context in and out.
 * - Express (`instrumentation-express`): the route pattern names the request's span and its handler's.
 * - MongoDB (`instrumentation-mongodb`): a span per command of the driver under mongoose and the
 *   session store; values in the statement are replaced by `?` (no personal data in traces).
 * - Temporal: `@temporalio/interceptors-opentelemetry` (the client interceptor here, the worker's in
 *   worker/tracing.ts) carries the trace from the HTTP request into the workflow and its activities.
 * Spans leave in batches over OTLP/HTTP (protobuf or JSON).
 *
 * The SDK is OpenTelemetry JS 2.x (the line Express 5 and the MongoDB 7 driver are instrumented in);
 * `@temporalio/interceptors-opentelemetry` 1.24 keeps its own 1.x copy for the workflow sandbox, whose
 * spans worker/tracing.ts hands to this SDK's processor in its 2.x shape.
 */
import { randomUUID } from 'node:crypto';
import { register } from 'node:module';
import { context, diag, DiagLogLevel, isSpanContextValid, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import type { Logger } from 'pino';
import type { TracingConfig } from './index.js';
import type { TracedProcess, Tracing } from './tracing.js';

/** Probes and scrapes, polled every few seconds: no trace each (as they get no log line). */
const UNTRACED_PATHS = new Set(['/livez', '/readyz', '/healthz', '/metrics']);

/** Query parameters that carry credentials (a guest's order token on return URLs). */
const SECRET_QUERY_PARAMETERS = ['token', 'orderToken'];

export function startOpenTelemetry(settings: TracingConfig, component: TracedProcess): Tracing {
  // Express is imported from ES modules, which only a loader hook sees (the driver and http are
  // required from CommonJS, which the instrumentations patch through require). Only express is
  // wrapped: the hook leaves every other module as it is.
  register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include: ['express'] } });

  const serviceName = settings.serviceName ?? `amazon-pay-orders-${component}`;
  const resource = resourceFromAttributes({
    ...settings.resourceAttributes,
    'service.name': serviceName,
    'service.instance.id': randomUUID(),
  });
  const exporterOptions = { url: settings.tracesUrl, headers: settings.headers };
  const exporter =
    settings.protocol === 'http/json'
      ? new OtlpJsonExporter(exporterOptions)
      : new OtlpProtobufExporter(exporterOptions);
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({
    resource,
    sampler: samplerOf(settings.sampler),
    spanProcessors: [spanProcessor],
  });
  // AsyncLocalStorage context, W3C trace context and baggage propagation.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
        requireParentforOutgoingSpans: true,
        redactedQueryParamsServer: SECRET_QUERY_PARAMETERS,
        redactedQueryParams: SECRET_QUERY_PARAMETERS,
      }),
      // The route's handler only: the dozen middlewares and routers every request passes through
      // (helmet, logging, limits, parsers, session, one router per area) would add a span each and
      // say nothing the request's span does not.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      new MongoDBInstrumentation(),
    ],
  });

  return {
    serviceName,
    spanProcessor,
    resource,
    workflowClientInterceptors: () => [new OpenTelemetryWorkflowClientInterceptor()],
    logFields() {
      const spanContext = trace.getActiveSpan()?.spanContext();
      return spanContext !== undefined && isSpanContextValid(spanContext)
        ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
        : {};
    },
    reportTo(log: Logger) {
      // Outside any span: an export's failure is no part of the request whose span it happened to carry.
      const warn = (message: string, ...args: unknown[]) =>
        context.with(ROOT_CONTEXT, () =>
          log.warn({ source: 'opentelemetry', ...(args.length === 0 ? {} : { details: args.map(String) }) }, message),
        );
      diag.setLogger(
        { error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined },
        DiagLogLevel.WARN,
      );
    },
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}

/** OpenTelemetry's standard samplers by their OTEL_TRACES_SAMPLER names. */
function samplerOf({ name, ratio }: TracingConfig['sampler']): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
