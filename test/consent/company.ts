import { SMALL_COMPANY } from '../helpers/fixtures.js';

// Ana has two records (a store card C1 and a web account W9 sharing her email) and, once she logs
// in on the site, a third one from collected events (evt:u:u-ana, linked by her userId). Bob has none.
export const CONSENT_COMPANY: Record<string, string> = {
  ...SMALL_COMPANY,
  'customers.csv': [
    'customer_id,source,first_name,last_name,city,signup_at,updated_at',
    'C1,store,Ana,Martin,Lyon,2023-01-03,2023-01-03',
    'C2,web,Bob,Durand,Paris,2023-06-01,2023-06-01',
    'W9,web,Ana,Martin,Villeurbanne,2024-01-10,2024-01-10',
  ].join('\n'),
  'identifiers.csv': [
    'customer_id,type,value,source',
    'C1,email,ana.martin@example.com,store',
    'W9,email,ana.martin@example.com,web',
    'W9,user_id,u-ana,web',
    'C2,email,bob@example.com,web',
  ].join('\n'),
  'consents.csv': [
    'customer_id,channel,status,at,source',
    // email: the web account's later opt-in wins over the store card's older opt-out.
    'C1,email,opt_out,2023-03-01 09:00:00,store',
    'W9,email,opt_in,2024-01-05 09:00:00,web_form',
    // sms: the store card's later withdrawal wins.
    'W9,sms,opt_in,2023-06-01 09:00:00,web_form',
    'C1,sms,opt_out,2023-09-01 09:00:00,store',
    // mail: both records at the same instant disagree: the withdrawal wins.
    'C1,mail,opt_in,2024-01-10 00:00:00,store',
    'W9,mail,opt_out,2024-01-10 00:00:00,partner',
  ].join('\n'),
};
