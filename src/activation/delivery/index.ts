export { checkBeforeSend, hasAddress, type PressureInputs, type SendVerdict } from './check.js';
export { systemClock, type DeliveryClock } from './clock.js';
export { CHANNEL_FIELDS, COMMON_FIELDS, fieldsOf } from './fields.js';
export { DELIVERY_LANGUAGES, deliveryText, isDeliveryMessageKey, preferredLanguage, type DeliveryLanguage, type DeliveryMessageKey } from './messages.js';
export { sendAuditEntry, sendPlanned, type SendOptions, type SendReport } from './send.js';
export { renderEmail } from './smtp-sender.js';
export { ATTEMPT_STATUSES, DELIVERY_ATTEMPTS_TABLE, DELIVERY_DEAD_LETTERS_TABLE, DELIVERY_DESTINATIONS, type DeliveryDestination } from './tables.js';
export { recordUnsubscribe, unsubscribePage, unsubscribeSecret, unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe.js';
export { batchId, IDEMPOTENCY_HEADER, retryDelay, SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from './webhook.js';
