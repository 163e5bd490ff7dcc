import { type Tracer, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resources, tracing } from '@opentelemetry/sdk-node';
import type { TelemetrySection } from '../config/sections/telemetry.js';
import { batchOptions } from './batch-options.js';
import { EncodeOnEndProcessor } from './encode-on-end-processor.js';
import { createOtlpSpanExporter, otlpTracesProtocol } from './otlp-span-exporter.js';

export interface GatewayTelemetry {
  tracer: Tracer;
  propagator: W3CTraceContextPropagator;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * A tracer provider owned by one gateway instance (not the global one, so several
 * gateways can live in one process in tests and benches). Standard `OTEL_*` variables win
 * over config: endpoint and headers (read by the OTLP exporter), `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`
 * (`http/protobuf`, the default, or `http/json`), `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER[_ARG]` and `OTEL_BSP_*`.
 *
 * With protobuf, spans are encoded as they end and the batch queue holds the bytes (see
 * `EncodeOnEndProcessor`); with JSON the stock exporter serializes queued spans.
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
  const protocol = otlpTracesProtocol(env);
  const exporter = createOtlpSpanExporter(protocol, url === undefined ? {} : { url });
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': cfg.serviceName }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const batch = new tracing.BatchSpanProcessor(exporter, batchOptions(cfg.batch, env));
  const processor = protocol === 'http/protobuf' ? new EncodeOnEndProcessor(batch) : batch;
  const provider = new tracing.BasicTracerProvider({ resource, spanProcessors: [processor] });
  return {
    tracer: provider.getTracer('sluice-gateway', '0.1.0'),
    propagator,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
