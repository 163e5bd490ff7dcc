import { describe, expect, it } from 'vitest';
import { TelemetrySectionSchema } from '../config/sections/telemetry.js';
import { batchOptions } from './batch-options.js';

const batch = TelemetrySectionSchema.parse({ batch: { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMs: 250 } }).batch;

describe('batchOptions', () => {
  it('takes the telemetry.batch config when no OTEL_BSP_* variable is set', () => {
    expect(batchOptions(batch, {})).toEqual({ maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 250 });
  });

  it('lets OTEL_BSP_* variables win over the config, as documented', () => {
    const env = { OTEL_BSP_MAX_QUEUE_SIZE: '4096', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: ' 256 ', OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_BSP_EXPORT_TIMEOUT: '5000' };
    expect(batchOptions(batch, env)).toEqual({ maxQueueSize: 4096, maxExportBatchSize: 256, scheduledDelayMillis: 50, exportTimeoutMillis: 5000 });
  });

  it('ignores empty or non-numeric variables', () => {
    expect(batchOptions(batch, { OTEL_BSP_MAX_QUEUE_SIZE: '', OTEL_BSP_SCHEDULE_DELAY: 'soon' })).toEqual({ maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 250 });
  });
});
