import { type Tracer, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resources, tracing } from '@opentelemetry/sdk-node';
import type { TelemetrySection } from '../config/sections/telemetry.js';

export interface GatewayTelemetry {
  tracer: Tracer;
  propagator: W3CTraceContextPropagator;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * A tracer provider owned by one gateway instance (not the global one, so several
 * gateways can live in one process in tests and benches). Standard `OTEL_*` variables win
 * over config: endpoint and headers (read by the OTLP exporter), `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER[_ARG]` and `OTEL_BSP_*`.
 */
export function createGatewayTelemetry(
  cfg: TelemetrySection,
  env: Readonly<Record<string, string | undefined>>,
  defaultEndpoint: string | undefined,
): GatewayTelemetry {
  const propagator = new W3CTraceContextPropagator();
  if (!cfg.enabled || env.OTEL_SDK_DISABLED === 'true') {
    return { tracer: trace.getTracer('sluice-disabled'), propagator, forceFlush: async () => {}, shutdown: async () => {} };
  }
  const envSetsEndpoint = Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const url = envSetsEndpoint ? undefined : (cfg.otlpEndpoint ?? defaultEndpoint);
  const exporter = new OTLPTraceExporter(url === undefined ? {} : { url });
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': cfg.serviceName }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const processor = new tracing.BatchSpanProcessor(exporter, {
    maxQueueSize: cfg.batch.maxQueueSize,
    maxExportBatchSize: cfg.batch.maxExportBatchSize,
    scheduledDelayMillis: cfg.batch.scheduledDelayMs,
  });
  const provider = new tracing.BasicTracerProvider({ resource, spanProcessors: [processor] });
  return {
    tracer: provider.getTracer('sluice-gateway', '0.1.0'),
    propagator,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
