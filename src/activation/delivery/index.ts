export { type DeliveryClock } from './clock.js';
export { DELIVERY_LANGUAGES, deliveryText, isDeliveryMessageKey, preferredLanguage, type DeliveryLanguage, type DeliveryMessageKey } from './messages.js';
export { sendAuditEntry, sendPlanned, type SendReport } from './send.js';
export { recordUnsubscribe, unsubscribePage, unsubscribeSecret, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe.js';
export { batchId, retryDelay } from './webhook.js';
