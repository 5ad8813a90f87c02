import { z } from 'zod';

/**
 * The person fields a message template may name as `{{field}}` (docs/activation.md, Delivery).
 * A closed list: a template cannot reach anything else of the person, and a typo is refused when
 * the configuration is read rather than sent as an empty hole to thousands of people.
 */
export const TEMPLATE_FIELDS = [
  'first_name', 'last_name', 'name', 'email', 'city', 'campaign_id', 'campaign_name', 'contact_id', 'unsubscribe_url',
] as const;

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/** A template text whose placeholders are all known fields. */
const template = (needsUnsubscribe: boolean) =>
  z
    .string()
    .min(1)
    .superRefine((text, ctx) => {
      for (const [, name] of text.matchAll(PLACEHOLDER)) {
        if (!(TEMPLATE_FIELDS as readonly string[]).includes(name ?? '')) {
          ctx.addIssue({ code: 'custom', message: `unknown field {{${name}}}; known: ${TEMPLATE_FIELDS.join(', ')}` });
        }
      }
      if (needsUnsubscribe && !/\{\{\s*unsubscribe_url\s*\}\}/.test(text)) {
        ctx.addIssue({ code: 'custom', message: 'must contain {{unsubscribe_url}}: every marketing e-mail carries its unsubscribe link' });
      }
    });

const emailTemplateSchema = z.object({ subject: template(false), text: template(true), html: template(true) }).strict();

const secretEnv = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as FIDELIS_SMTP_PASSWORD')
    .default(fallback);

/** Settings of activation's delivery part (docs/activation.md, Delivery). Secrets are never here: only the names of the environment variables that hold them. */
export const deliveryConfigSchema = z
  .object({
    /** Planned contacts read, checked and sent per step (and per webhook POST). */
    batchSize: z.number().int().min(1).max(10_000).default(500),
    unsubscribe: z
      .object({
        /** Public address of Fidelis's server, where `/v1/unsubscribe` answers. */
        baseUrl: z.url().default('http://localhost:8080'),
        /** Environment variable holding the secret that signs unsubscribe links (at least 32 characters). */
        secretEnv: secretEnv('FIDELIS_UNSUBSCRIBE_SECRET'),
      })
      .strict()
      .prefault({}),
    webhook: z
      .object({
        /** Where batches are POSTed; required for `--destination webhook`. */
        url: z.url().optional(),
        /** Environment variable holding the HMAC-SHA256 signing secret. */
        secretEnv: secretEnv('FIDELIS_WEBHOOK_SECRET'),
        /** Attempts per batch before it goes to the dead letters. */
        maxAttempts: z.number().int().min(1).max(20).default(5),
        /** First retry's delay; each next one doubles, up to maxDelayMs, then jitter takes 0-50% off. */
        baseDelayMs: z.number().int().min(0).default(1000),
        maxDelayMs: z.number().int().min(0).default(60_000),
        /** An attempt that has no answer after this long failed. */
        timeoutMs: z.number().int().min(100).default(10_000),
      })
      .strict()
      .prefault({}),
    smtp: z
      .object({
        /** The user's SMTP relay; required for `--destination smtp`. */
        host: z.string().min(1).optional(),
        port: z.number().int().min(1).max(65_535).default(587),
        /** TLS from the first byte (port 465); otherwise STARTTLS when the relay offers it. */
        secure: z.boolean().default(false),
        /** Refuse a relay without STARTTLS (off only for a relay on localhost). */
        requireTls: z.boolean().default(true),
        user: z.string().min(1).optional(),
        /** Environment variable holding the relay's password (read only when `user` is set). */
        passwordEnv: secretEnv('FIDELIS_SMTP_PASSWORD'),
        /** Sender, e.g. "Shop <news@shop.example>"; required for `--destination smtp`. */
        from: z.string().min(3).optional(),
        replyTo: z.string().min(3).optional(),
      })
      .strict()
      .prefault({}),
    email: z
      .object({
        /** The message every e-mail campaign sends unless `campaigns` names it. */
        template: emailTemplateSchema.prefault({
          subject: '{{campaign_name}}',
          text: 'Hello {{first_name}},\n\n{{campaign_name}}\n\nUnsubscribe: {{unsubscribe_url}}\n',
          html: '<p>Hello {{first_name}},</p><p>{{campaign_name}}</p><p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>',
        }),
        /** One template per campaign id. */
        campaigns: z.record(z.string().min(1), emailTemplateSchema).default({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;
export type EmailTemplate = z.infer<typeof emailTemplateSchema>;
