import type { TEMPLATE_FIELDS } from '../../config/delivery-config.js';

export type TemplateValues = Readonly<Record<(typeof TEMPLATE_FIELDS)[number], string | null>>;

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * Fills `{{field}}` holes with the person's values (empty when he has none). Hand-written rather
 * than a template engine on purpose: no logic, no helpers, no partials, a closed list of fields
 * checked when the configuration is read, so a template written by a marketer can reach nothing
 * else. In HTML every value is escaped (a first name such as `<script>` stays text).
 */
export function renderTemplate(text: string, values: TemplateValues, mode: 'text' | 'html'): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = (values as Record<string, string | null | undefined>)[name] ?? '';
    return mode === 'html' ? escapeHtml(value) : value;
  });
}
