import { z } from 'zod';
import { isTimeZone } from './pressure-config.js';

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
        /**
         * While requests keep arriving, rest after each load as long as it took, so that behind a
         * burst the loader takes at most about half the time from request handling (more events
         * acknowledged per second, the datamart further behind until the burst ends). Shutdown's
         * last load never rests, nor a load that no request arrived during (docs/collect.md).
         */
        yieldToRequests: z.boolean().default(true),
        /**
         * The lag (acknowledged events not yet loaded) past which the loader stops yielding: a rest
         * is skipped, or ends early, while this many wait. Under a steady stream faster than half
         * the loader's rate, rests would otherwise let the lag grow without bound.
         */
        yieldMaxLag: z.number().int().min(1).default(20_000),
        /**
         * Bytes of log one load reads at most (about 2,300 bench events a MB): behind a burst, each
         * load's statements and commit are shared by this many events. 8 MB loaded 100,000 events
         * with a fifth less CPU than 2 MB (docs/collect.md, Throughput).
         */
        chunkBytes: z.number().int().min(64 * 1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
        /**
         * DuckDB's checkpoint_threshold while the server runs: the write-ahead log is folded into
         * the database file once it grows past this. At DuckDB's 16 MB nearly every 8 MB load
         * triggered a checkpoint, which rewrites the tables' last, partly filled row groups each
         * time; at 256 MB the loader used a third less DuckDB CPU (docs/collect.md). A larger log
         * takes longer to replay when the server restarts after a crash.
         */
        checkpointThreshold: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'a size such as 256MB')
          .default('256MB'),
      })
      .prefault({}),
    /**
     * Page paths that are key pages (quote, checkout, contact...): a page view whose path starts
     * with one of them becomes a `key_page` web event. A trailing "*" is allowed and ignored.
     */
    keyPages: z.array(z.string().min(1)).default(['/quote', '/checkout', '/contact', '/store-locator']),
    /** The web dashboard: its assets, sessions and login limits (docs/dashboard-ui.md). */
    dashboard: z
      .object({
        /** Folder of the built dashboard; default: dist/web of the installed package. */
        assets: z.string().min(1).optional(),
        /**
         * Always mark the session cookie Secure. Without it the cookie is Secure when the request
         * came over HTTPS (directly, or X-Forwarded-Proto: https from a proxy in front).
         */
        secureCookies: z.boolean().default(false),
        /** A session ends this long after login. */
        sessionHours: z.number().min(0.01).max(24 * 30).default(12),
        /** The IANA time zone whose local times the excel-fr CSV dialect writes (docs/dashboard-ui.md "Exports"). */
        exportTimeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris').default('Europe/Paris'),
        /**
         * Failed logins (docs/dashboard-ui.md): counted per (user name, client address) and per
         * address, kept in the database. Past a threshold each further try waits, the wait doubling
         * with each failure; the right password from another address is never held up.
         */
        login: z
          .object({
            /** Failures of one user name from one address before each further try must wait. */
            failuresBeforeDelay: z.number().int().min(1).default(5),
            /** Failures from one address, every name together, before each further try must wait. */
            addressFailuresBeforeDelay: z.number().int().min(1).default(30),
            /** The first wait, doubled with each further failure... */
            firstDelaySeconds: z.number().int().min(1).default(30),
            /** ...up to this. */
            maxDelaySeconds: z.number().int().min(1).default(3600),
            /** A count without a failure for this long is forgotten (and its row deleted). */
            forgetAfterHours: z.number().min(0.01).default(24),
          })
          .prefault({}),
      })
      .prefault({}),
  })
  .prefault({});
