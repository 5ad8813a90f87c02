import type { Transporter } from 'nodemailer';
import type { Config } from '../../config/index.js';
import type { EmailTemplate } from '../../config/delivery-config.js';
import { ConfigError } from '../../errors.js';
import { markSent, recordAttempts, type PlannedContact } from './contacts.js';
import { count, type SendContext, type Sender } from './sender.js';
import { renderTemplate, type TemplateValues } from './template.js';

/** The e-mail one contact receives: its campaign's template (or the default), with his fields. */
export function renderEmail(template: EmailTemplate, contact: PlannedContact, unsubscribeUrl: string): { subject: string; text: string; html: string } {
  const values: TemplateValues = {
    first_name: contact.first_name,
    last_name: contact.last_name,
    name: [contact.first_name, contact.last_name].filter((v) => v !== null && v !== '').join(' ') || null,
    email: contact.email,
    city: contact.city,
    campaign_id: contact.campaign_id,
    campaign_name: contact.campaign_name,
    contact_id: contact.contact_id,
    unsubscribe_url: unsubscribeUrl,
  };
  return {
    // A subject is one line whatever a first name holds.
    subject: renderTemplate(template.subject, values, 'text').replace(/[\r\n]+/g, ' '),
    text: renderTemplate(template.text, values, 'text'),
    html: renderTemplate(template.html, values, 'html'),
  };
}

/**
 * The relay's settings, checked before anything is sent, and the transporter, made on the first
 * message: nodemailer is loaded then (0.2 s), not by every command and server that never sends.
 */
function transport(config: Config): { connect: () => Promise<Transporter>; from: string; replyTo: string | undefined } {
  const smtp = config.activation.delivery.smtp;
  if (smtp.host === undefined) throw new ConfigError('activation.delivery.smtp.host is not set: which SMTP relay should send the e-mails?');
  if (smtp.from === undefined) throw new ConfigError('activation.delivery.smtp.from is not set: who sends the e-mails (e.g. "Shop <news@shop.example>")?');
  let auth: { user: string; pass: string } | undefined;
  if (smtp.user !== undefined) {
    const pass = process.env[smtp.passwordEnv];
    if (pass === undefined || pass === '') throw new ConfigError(`set ${smtp.passwordEnv} to the password of SMTP user ${smtp.user}`);
    auth = { user: smtp.user, pass };
  }
  const options = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls && !smtp.secure,
    auth,
    // One connection, reused for every message: a relay counts connections, and opening one per e-mail is slow.
    pool: true,
    maxConnections: 1,
    // Never log: the messages hold personal data and the relay's password.
    logger: false,
  } as const;
  const connect = async (): Promise<Transporter> => (await import('nodemailer')).default.createTransport(options);
  return { connect, from: smtp.from, replyTo: smtp.replyTo };
}

/** A short reason from the relay (its SMTP answer or the network error), without the message or the password. */
function smtpReason(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
    if (e.responseCode !== undefined) return `SMTP ${e.responseCode}${e.response ? `: ${e.response.slice(0, 160)}` : ''}`;
    if (e.code !== undefined) return `${e.code}${e.message ? `: ${e.message.slice(0, 160)}` : ''}`;
  }
  return String(error).slice(0, 200);
}

/**
 * One e-mail per contact through the user's relay. At most once: the contact's attempt is
 * recorded before the message is handed to the relay and it is marked sent when the relay accepts
 * it. A refusal (the relay answered an error) leaves it `failed` and planned: the next send tries
 * again. A send stopped between the two leaves it `attempting`: the relay may have it, so it is
 * not sent again (counted as uncertain): a duplicate e-mail is worse than a missing one.
 */
export function smtpSender(context: SendContext): Sender {
  const { connect, from, replyTo } = transport(context.config);
  const email = context.config.activation.delivery.email;
  let transporter: Transporter | null = null;
  return {
    async deliver(contacts) {
      transporter ??= await connect();
      for (const contact of contacts) {
        const unsubscribe = context.unsubscribeUrl(contact);
        if (unsubscribe === null || contact.email === null) throw new Error(`contact ${contact.contact_id} reached the relay without an address or a link`);
        const message = renderEmail(email.campaigns[contact.campaign_id] ?? email.template, contact, unsubscribe);
        const row = { contactId: contact.contact_id, destination: 'smtp' as const, batchId: null, reason: null, attempts: (contact.attempts ?? 0) + 1 };
        await recordAttempts(context.engine, [{ ...row, status: 'attempting' }], context.clock.now());
        try {
          await transporter.sendMail({
            from,
            replyTo,
            to: contact.email,
            subject: message.subject,
            text: message.text,
            html: message.html,
            // RFC 2369 List-Unsubscribe, and RFC 8058 one-click: a mail client POSTs to the link itself.
            list: { unsubscribe: { url: unsubscribe, comment: 'Unsubscribe' } },
            headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Fidelis-Contact': contact.contact_id },
          });
        } catch (error) {
          const reason = smtpReason(error);
          await recordAttempts(context.engine, [{ ...row, status: 'failed', reason }], context.clock.now());
          count(context.tally.failed, reason);
          continue;
        }
        await markSent(context.engine, [{ ...row, status: 'sent' }], context.clock.now());
        context.tally.sent += 1;
      }
    },
    finish: () => Promise.resolve(),
    close: () => {
      transporter?.close();
      return Promise.resolve();
    },
  };
}
