/**
 * Tracing's switch. With no OTLP endpoint configured (`config.tracing` undefined) nothing of
 * OpenTelemetry is loaded: no SDK, no instrumentation, no interceptor, no log field. Configured, the
 * SDK (`tracing-sdk.ts`) is loaded and started here, before the process loads what it instruments —
 * the entries (`api/main.ts`, `worker/main.ts`) call this first and import the rest afterwards.
 */
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { Logger } from 'pino';
import type { TracingConfig } from './index.js';

export interface Tracing {
  /** `service.name` of this process's spans. */
  readonly serviceName: string;
  /** Where spans made outside the SDK's own tracer go (the worker's workflow-sandbox spans). */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** For every Temporal client: a workflow started, signalled or updated joins the caller's trace. */
  workflowClientInterceptors(): WorkflowClientInterceptor[];
  /** The active span's ids for a log line (pino `mixin`); `{}` outside a span. */
  logFields(): { trace_id?: string; span_id?: string };
  /** OpenTelemetry's own troubles (an export the collector refused or never answered) become warnings in `log`. */
  reportTo(log: Logger): void;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

export type TracedProcess = 'api' | 'worker';

export async function startTracing(
  settings: TracingConfig | undefined,
  component: TracedProcess,
): Promise<Tracing | undefined> {
  if (settings === undefined) return undefined;
  const { startOpenTelemetry } = await import('./tracing-sdk.js');
  return startOpenTelemetry(settings, component);
}
