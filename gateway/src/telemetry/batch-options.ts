import type { TelemetrySection } from '../config/sections/telemetry.js';

export interface BatchOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis?: number;
}

/**
 * Batch span processor settings: `OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`,
 * `OTEL_BSP_SCHEDULE_DELAY` and `OTEL_BSP_EXPORT_TIMEOUT` (ms) where set to a number, else
 * the `telemetry.batch` config.
 */
export function batchOptions(batch: TelemetrySection['batch'], env: Readonly<Record<string, string | undefined>>): BatchOptions {
  const exportTimeoutMillis = envNumber(env, 'OTEL_BSP_EXPORT_TIMEOUT');
  return {
    maxQueueSize: envNumber(env, 'OTEL_BSP_MAX_QUEUE_SIZE') ?? batch.maxQueueSize,
    maxExportBatchSize: envNumber(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? batch.maxExportBatchSize,
    scheduledDelayMillis: envNumber(env, 'OTEL_BSP_SCHEDULE_DELAY') ?? batch.scheduledDelayMs,
    ...(exportTimeoutMillis !== undefined ? { exportTimeoutMillis } : {}),
  };
}

function envNumber(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
