import { z } from 'zod';

const MiB = 1024 * 1024;

/**
 * `store`: where spans are written and read. The same `@clickhouse/client` code serves
 * both modes: `embedded` runs chDB in-process on `path`; `server` talks HTTP(S) to a
 * ClickHouse server or cluster at `url`. Credentials are references (an env variable or a
 * file), never values.
 */
export const StoreConfigSchema = z
  .object({
    mode: z.enum(['embedded', 'server']).default('embedded'),
    /** chDB data directory (embedded mode). */
    path: z.string().min(1).default('./.sluice/chdb'),
    /** ClickHouse HTTP(S) endpoint (server mode), e.g. `https://ch.internal:8443`. */
    url: z.string().url().optional(),
    /** ClickHouse user name (not a secret); `usernameEnv` wins when both are set. */
    username: z.string().min(1).optional(),
    usernameEnv: z.string().min(1).optional(),
    passwordEnv: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier')
      .default('otel'),
    tls: z
      .object({
        caFile: z.string().min(1).optional(),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Server with a cluster: DDL renders `ON CLUSTER <name>` and `Replicated*` engines. */
    cluster: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a plain cluster name')
      .optional(),
    /** Rows older than this are dropped by TTL (all tables). */
    retentionDays: z.number().int().min(1).max(36_500).default(30),
    requestTimeoutMs: z.number().int().positive().default(30_000),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.mode === 'server' && cfg.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'server mode needs url' });
    }
    if (cfg.passwordEnv !== undefined && cfg.passwordFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'set passwordEnv or passwordFile, not both' });
    }
    if (cfg.tls !== undefined && (cfg.tls.certFile === undefined) !== (cfg.tls.keyFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'certFile and keyFile go together' });
    }
    if (cfg.tls?.certFile !== undefined && cfg.tls.caFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'caFile'], message: 'mutual TLS needs caFile too' });
    }
  });
export type StoreConfig = z.infer<typeof StoreConfigSchema>;
export type StoreConfigInput = z.input<typeof StoreConfigSchema>;

/** `collector`: the OTLP/HTTP receiver and its write path. */
export const CollectorConfigSchema = z
  .object({
    /** Run the in-process collector under `sluice serve`. */
    enabled: z.boolean().default(true),
    port: z.number().int().min(0).max(65535).default(4318),
    host: z.string().default('127.0.0.1'),
    /** Request bodies (and their gunzipped size) above this get 413. 16 MiB. */
    maxBodyBytes: z.number().int().positive().default(16 * MiB),
    /** More concurrent export requests than this get 429 + Retry-After. */
    maxConcurrentRequests: z.number().int().positive().default(64),
    batch: z
      .object({
        /**
         * An insert is started once this many spans are waiting… Each insert writes new parts
         * (~160 files for `otel_traces` alone), parses, indexes and merges per call: 20 000-row
         * inserts cost ~30 % less CPU per span in chDB than 4 000-row ones, and 40 000-row ones
         * stored 7 % more spans/s than 20 000 (four alternated 240k-span runs, all four ahead).
         * GenAI spans take ~800 bytes each in the insert body, so the writer's 32 MB cap per
         * insert binds at about this many. The writer sends a group's spooled records as they
         * are, without joining them into one copy; records the spool had to read back from
         * disk (past its 64 MB in memory) are held while their insert is in flight, up to two
         * groups, ~64 MB at this size.
         */
        maxRows: z.number().int().positive().default(40_000),
        /** …or once the oldest waiting span is this old. */
        flushMs: z.number().int().positive().default(1000),
        /** Backoff between failed inserts grows from min to max. */
        retryMinMs: z.number().int().positive().default(100),
        retryMaxMs: z.number().int().positive().default(5000),
      })
      .strict()
      .prefault({}),
    spool: z
      .object({
        /** Write-ahead spool: every acknowledged batch is fsynced here before the 200. */
        dir: z.string().min(1).default('./.sluice/spool'),
        /** Past this many bytes of not-yet-stored spans the receiver answers 503. 512 MiB. */
        maxBytes: z.number().int().positive().default(512 * MiB),
      })
      .strict()
      .prefault({}),
    /** Attributes beyond this count (per span, resource, event or link) are dropped and counted. */
    maxAttributesPerSpan: z.number().int().positive().default(256),
    /** String values (and names) longer than this are cut (UTF-8 safe) and counted. 64 KiB. */
    maxAttributeValueBytes: z.number().int().positive().default(64 * 1024),
    /** Events and links beyond this count per span are dropped and counted. */
    maxEventsPerSpan: z.number().int().positive().default(256),
  })
  .strict();
export type CollectorConfig = z.infer<typeof CollectorConfigSchema>;
export type CollectorConfigInput = z.input<typeof CollectorConfigSchema>;
