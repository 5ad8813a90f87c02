import { z } from 'zod';

/**
 * The HTTP server and its event collector (`fidelis serve`, docs/collect.md). Limits default to
 * Segment's HTTP Tracking API: 32 KB per message, 500 KB per batch request.
 */
export const serverConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(7878),
    /**
     * Connections that serve read-only requests (profiles, dashboard) side by side, beside the
     * one the event loader writes with. More than the cores rarely helps.
     */
    readConnections: z.number().int().min(1).max(64).default(4),
    limits: z
      .object({
        /** Largest message, in bytes of its JSON, inside a batch or alone. */
        messageBytes: z.number().int().min(1024).default(32 * 1024),
        /** Largest request body, in bytes after decompression. */
        batchBytes: z.number().int().min(1024).default(500 * 1024),
      })
      .prefault({}),
    log: z
      .object({
        /** Folder of the append-only event log; default: "<db>.events" beside the database. */
        folder: z.string().min(1).optional(),
        /** A new segment file is started past this size. */
        segmentBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
      })
      .prefault({}),
    loader: z
      .object({
        /** The log is loaded into the datamart at least this often while it grows. */
        intervalMs: z.number().int().min(10).max(60_000).default(200),
        /** ...or as soon as this many events wait, whichever comes first. */
        maxEvents: z.number().int().min(1).default(5_000),
      })
      .prefault({}),
    /**
     * Page paths that are key pages (quote, checkout, contact...): a page view whose path starts
     * with one of them becomes a `key_page` web event. A trailing "*" is allowed and ignored.
     */
    keyPages: z.array(z.string().min(1)).default(['/quote', '/checkout', '/contact', '/store-locator']),
  })
  .prefault({});

export type ServerConfig = z.infer<typeof serverConfigSchema>;
