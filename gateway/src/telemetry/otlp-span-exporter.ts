import { diag } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { otlpProtobufSerializer } from './otlp-protobuf-serializer.js';

export type OtlpTracesProtocol = 'http/protobuf' | 'http/json';

/**
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` ?? `OTEL_EXPORTER_OTLP_PROTOCOL` ?? `http/protobuf`
 * (the spec's default, and the encoding every OTLP/HTTP receiver must accept). `grpc` is
 * not offered here: it falls back to `http/protobuf` with a warning, as the OTel SDK does
 * for unsupported values.
 */
export function otlpTracesProtocol(env: Readonly<Record<string, string | undefined>>): OtlpTracesProtocol {
  const raw = [env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, env.OTEL_EXPORTER_OTLP_PROTOCOL].map((v) => v?.trim()).find((v) => v);
  if (raw === undefined || raw === 'http/protobuf' || raw === 'http/json') return raw ?? 'http/protobuf';
  diag.warn(`Unsupported OTLP traces protocol "${raw}"; using http/protobuf.`);
  return 'http/protobuf';
}

/**
 * The OTLP/HTTP protobuf span exporter, assembled like `@opentelemetry/exporter-trace-otlp-proto`'s
 * (same transport, retries, `OTEL_EXPORTER_OTLP_*` endpoint/headers/timeout/compression
 * handling) with `otlpProtobufSerializer`, which also takes spans pre-encoded by
 * `EncodeOnEndProcessor`.
 */
export class OtlpProtobufSpanExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(config: { url?: string } = {}) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
        otlpProtobufSerializer,
        'otlp_http_span_exporter',
        TraceExporterMetricsHelper,
        undefined,
      ),
    );
  }
}

/** The span exporter for `protocol`; http/json is `@opentelemetry/exporter-trace-otlp-http` as is. */
export function createOtlpSpanExporter(protocol: OtlpTracesProtocol, config: { url?: string }): SpanExporter {
  return protocol === 'http/json' ? new OtlpJsonTraceExporter(config) : new OtlpProtobufSpanExporter(config);
}
