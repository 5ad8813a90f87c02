import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/index.js';
import { preferredLanguage } from './messages.js';
import { renderTemplate } from './template.js';

const values = {
  first_name: '<img src=x onerror=alert(1)>', last_name: null, name: null, email: 'a@example.com', city: 'Lyon',
  campaign_id: 'C', campaign_name: 'Sale & more', contact_id: 'K', unsubscribe_url: 'https://x.example/v1/unsubscribe?token=a.b',
};

describe('e-mail templates', () => {
  it('escapes every value in HTML and leaves text as it is; a field he lacks is empty', () => {
    expect(renderTemplate('<p>Hi {{ first_name }}{{last_name}}, {{campaign_name}}</p>', values, 'html')).toBe('<p>Hi &lt;img src=x onerror=alert(1)&gt;, Sale &amp; more</p>');
    expect(renderTemplate('Hi {{first_name}} from {{city}}', values, 'text')).toBe('Hi <img src=x onerror=alert(1)> from Lyon');
  });

  it('refuses, when the configuration is read, an unknown field and a body without its unsubscribe link', () => {
    const config = (template: Record<string, string>) => () => parseConfig({ activation: { delivery: { email: { campaigns: { X: { subject: 's', text: 't {{unsubscribe_url}}', html: 'h {{unsubscribe_url}}', ...template } } } } } });
    expect(config({})).not.toThrow();
    expect(config({ subject: 'Hi {{firstname}}' })).toThrow(/activation\.delivery\.email\.campaigns\.X\.subject: unknown field \{\{firstname\}\}/);
    expect(config({ html: '<p>no link</p>' })).toThrow(/campaigns\.X\.html: must contain \{\{unsubscribe_url\}\}/);
  });
});

describe('the unsubscribe page language', () => {
  it('follows ?lang, then Accept-Language by weight, then English', () => {
    expect(preferredLanguage('en;q=0.4, fr-CA;q=0.8')).toBe('fr');
    expect(preferredLanguage('de-DE, en-GB;q=0.5, fr;q=0.3')).toBe('en');
    expect(preferredLanguage('fr', 'en')).toBe('en');
    expect(preferredLanguage(undefined)).toBe('en');
  });
});
