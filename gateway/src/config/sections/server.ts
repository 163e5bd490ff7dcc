import { z } from 'zod';

/** `server`: the HTTP front. */
export const ServerSectionSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(8080),
    host: z.string().default('127.0.0.1'),
    /** Request bodies above this are refused with 413 without being read. 10 MiB. */
    maxBodyBytes: z.number().int().positive().default(10 * 1024 * 1024),
    /** Time allowed to receive request headers (slowloris guard). */
    headersTimeoutMs: z.number().int().positive().default(30_000),
    /**
     * Time allowed to receive a whole request, headers and body (slowloris guard for bodies:
     * they are read before the caller is authenticated). Answers are not limited by it.
     */
    requestTimeoutMs: z.number().int().positive().default(60_000),
    keepAliveTimeoutMs: z.number().int().positive().default(65_000),
    /** On SIGTERM, in-flight requests and streams get this long to finish. */
    drainTimeoutMs: z.number().int().positive().default(30_000),
    /** Where the embedded store, spool and admin token live. */
    dataDir: z.string().default('./.sluice'),
    /** Hosts allowed in `Host`/`Origin` for browser-reachable endpoints (MCP); empty = loopback names. */
    allowedHosts: z.array(z.string()).default([]),
  })
  .strict()
  .refine((s) => s.requestTimeoutMs >= s.headersTimeoutMs, { message: 'requestTimeoutMs must be at least headersTimeoutMs', path: ['requestTimeoutMs'] });
export type ServerSection = z.infer<typeof ServerSectionSchema>;
