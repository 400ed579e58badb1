/**
 * The worker's part of tracing (loaded only when tracing is on): Temporal's OpenTelemetry
 * interceptors for workflows and activities, and the sink that exports the workflow sandbox's spans.
 *
 * Workflow spans are made inside the sandbox (by the interceptors' own OpenTelemetry 1.x copy,
 * deterministic, never during replay) and leave it through the `exporter` sink. The package's
 * `makeWorkflowExporter` would hand them on in the 1.x shape (`parentSpanId`, `instrumentationLibrary`),
 * which the 2.x exporter reads as parentless spans, and with every field of the workflow info as
 * attributes (memo and search attributes included); this sink gives them the 2.x shape and the
 * workflow's identity only.
 */
import { createRequire } from 'node:module';
import { createTraceState, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker/index.js';
import type {
  OpenTelemetrySinks,
  SerializableSpan,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions.js';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { Tracing } from '../config/tracing.js';

/** The workflow interceptors module (bundled with the workflows: RunWorkflow, StartActivity, HandleUpdate… spans). */
export const workflowTracingModule = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** What `Worker.create` takes for tracing: the interceptors and the workflow span sink. */
export function tracingWorkerOptions(tracing: Tracing): Required<Pick<WorkerOptions, 'interceptors' | 'sinks'>> {
  return {
    interceptors: {
      workflowModules: [workflowTracingModule],
      activity: [
        (ctx) => ({
          // RunActivity spans, children of the workflow's StartActivity (context in the task's headers).
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          // trace_id/span_id on the activity's log lines.
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      // The worker's own client (Context.current().client) starts workflows in the caller's trace too.
      client: { workflow: tracing.workflowClientInterceptors() },
    },
    sinks: workflowSpanSink(tracing),
  };
}

function workflowSpanSink(tracing: Pick<Tracing, 'spanProcessor' | 'resource'>): InjectedSinks<OpenTelemetrySinks> {
  return {
    exporter: {
      export: {
        fn: (info, spans) => {
          for (const span of spans) tracing.spanProcessor.onEnd(readableSpan(span, info, tracing.resource));
        },
        // A replayed task's spans were exported when it first ran.
        callDuringReplay: false,
      },
    },
  };
}

function readableSpan(span: SerializableSpan, info: WorkflowInfo, resource: Tracing['resource']): ReadableSpan {
  const { traceState, ...ids } = span.spanContext;
  const spanContext: SpanContext = {
    ...ids,
    ...(traceState === undefined ? {} : { traceState: createTraceState(traceState) }),
  };
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => spanContext,
    ...(span.parentSpanId === undefined
      ? {}
      : { parentSpanContext: { traceId: ids.traceId, spanId: span.parentSpanId, traceFlags: ids.traceFlags } }),
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status: span.status,
    attributes: {
      ...span.attributes,
      workflowId: info.workflowId,
      runId: info.runId,
      workflowType: info.workflowType,
      taskQueue: info.taskQueue,
      namespace: info.namespace,
    },
    links: span.links,
    events: span.events,
    resource,
    instrumentationScope: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
