// A handful of persons with every table the audience fields read, written by hand so each test
// knows exactly who should match. customer_classes.preferred_channel is added here: the channels
// step (issue 13 section 2) writes it, and may not be merged yet.
import { sql, type Engine } from '../../../src/store/index.js';
import { memoryStore } from '../../helpers/fixtures.js';

export const AS_OF = new Date('2025-06-30T12:00:00Z');

export async function audienceFixture(engine?: Engine): Promise<Engine> {
  const db = engine ?? (await memoryStore());
  await db.exec(`CREATE OR REPLACE TABLE customer_classes AS SELECT * FROM (VALUES
    ('p1', 'CPP', 'd1', 'athlete', 'technophile', 'champions', '555', 5, 5, 5, 4200.0, 0.95, 3100.0, 0.8, 120.0, 0.7, 12, 2400.0, 900.0, 800.0, 10, 900, TIMESTAMP '2025-06-20', 0, 9, 'adopted', 'email'),
    ('p2', 'CCM', 'd2', 'whale', 'technomouton', 'loyal', '444', 4, 4, 4, 900.0, 0.70, 600.0, 0.5, 300.0, 0.4, 6, 800.0, 300.0, 250.0, 40, 700, TIMESTAMP '2025-05-21', 1, 7, 'stayed', 'sms'),
    ('p3', 'CNR', 'd4', 'minnow', 'technonul', 'at risk', '211', 2, 1, 1, 20.0, 0.30, -50.0, 0.1, 50.0, 0.9, 1, 40.0, 5.0, -30.0, 300, 300, TIMESTAMP '2024-09-03', 2, 2, NULL, NULL),
    ('p4', 'CCM', 'd3', 'inactive', 'techno-no', 'hibernating', '111', 1, 1, 2, 150.0, 0.45, 100.0, 0.3, 500.0, 0.2, 2, 150.0, 60.0, 40.0, 500, 1000, TIMESTAMP '2024-02-10', 0, NULL, 'stayed', 'mail'),
    ('p5', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0.0, 0.0, 0.0, NULL, NULL, NULL, 0, NULL, NULL, NULL)
  ) AS t(person_id, value_tier, value_column, grid, digital_type, rfm_segment, rfm_code, r_score, f_score, m_score, clv, p_alive,
    predicted_value, attachment, potential, share_of_wallet, orders, revenue, gross_margin, net_contribution, recency_days, tenure_days,
    last_purchase, complaints, latest_nps, online_move, preferred_channel)`);
  await db.exec(`CREATE OR REPLACE TABLE person_profiles AS SELECT * FROM (VALUES
    ('p1', 'Alice', 'Martin', DATE '1980-03-01', 'F', 3, 1, '1 rue de Rivoli', '75001', 'Paris', 'FR', 'cadre', 'high', 'house;garden;owner', 'web', TIMESTAMP '2019-01-01'),
    ('p2', 'Bruno', 'Petit', DATE '1995-07-15', 'M', 1, 0, '2 quai Perrache', '69001', 'Lyon', 'FR', 'employe', 'medium', 'flat;tenant', 'store', TIMESTAMP '2020-01-01'),
    ('p3', 'Chloé', 'O''Brien; DROP', DATE '2001-12-31', 'X', 2, 0, NULL, '13001', 'Marseille', 'FR', NULL, NULL, NULL, 'store', NULL),
    ('p4', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Paris', 'FR', NULL, NULL, 'house', NULL, NULL)
  ) AS t(person_id, first_name, last_name, birth_date, gender, household_size, children, street_address, postcode, city, country,
    socio_professional_category, income_band, interests, signup_source, signup_at)`);
  await db.exec(`CREATE OR REPLACE TABLE person_consents AS SELECT * FROM (VALUES
    ('p1', 'email', 'opt_in', TIMESTAMP '2024-01-01', 'web', 'r1'),
    ('p1', 'sms', 'opt_out', TIMESTAMP '2024-01-01', 'web', 'r1'),
    ('p2', 'email', 'opt_in', TIMESTAMP '2024-01-01', 'store', 'r2'),
    ('p2', 'sms', 'opt_in', TIMESTAMP '2024-01-01', 'store', 'r2'),
    ('p3', 'email', 'opt_out', TIMESTAMP '2024-01-01', 'store', 'r3')
  ) AS t(person_id, channel, status, "at", source, record)`);
  await db.exec(`CREATE OR REPLACE TABLE customer_persons AS SELECT * FROM (VALUES
    ('r1', 'p1'), ('r1b', 'p1'), ('r2', 'p2'), ('r3', 'p3'), ('r4', 'p4'), ('evt:u:u5', 'p5')) AS t(customer_id, person_id)`);
  await db.exec(`CREATE OR REPLACE TABLE identity_nodes AS SELECT customer_id AS node_id, 'record' AS kind, 'x' AS source,
    TIMESTAMP '2020-01-01' AS first_seen_at, person_id, 1 AS survivor_rank FROM customer_persons`);
  await db.exec(`CREATE OR REPLACE TABLE person_identifiers (person_id VARCHAR, node_id VARCHAR, type VARCHAR, value VARCHAR, raw_value VARCHAR,
    source VARCHAR, first_seen_at TIMESTAMP, status VARCHAR)`);
  await db.exec(`INSERT INTO customers (customer_id, source) VALUES ('r1', 'web'), ('r1b', 'store'), ('r2', 'store'), ('r3', 'callcenter'), ('r4', 'partner'), ('evt:u:u5', 'events')`);
  await db.exec(`INSERT INTO consents (customer_id, channel, status, "at", source) VALUES
    ('r1', 'email', 'opt_in', TIMESTAMP '2024-01-01', 'web'), ('r1', 'sms', 'opt_out', TIMESTAMP '2024-01-01', 'web'),
    ('r2', 'email', 'opt_in', TIMESTAMP '2024-01-01', 'store'), ('r2', 'sms', 'opt_in', TIMESTAMP '2024-01-01', 'store'),
    ('r3', 'email', 'opt_out', TIMESTAMP '2024-01-01', 'store')`);
  await db.exec(`INSERT INTO campaigns (campaign_id, name, channel) VALUES ('C1', 'spring', 'email')`);
  await db.exec(`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, status) VALUES
    ('k1', 'r1b', 'C1', 'email', TIMESTAMP '2025-06-27 09:00:00', 'sent'),
    ('k2', 'r2', 'C1', 'sms', TIMESTAMP '2025-06-01 09:00:00', NULL),
    ('k3', 'r3', 'C1', 'email', TIMESTAMP '2025-07-02 09:00:00', 'planned'),
    ('k4', 'r4', 'C1', 'email', TIMESTAMP '2025-06-29 09:00:00', 'cancelled')`);
  await db.exec(`CREATE OR REPLACE TABLE customer_category_affinity AS SELECT * FROM (VALUES
    ('p1', 'garden', 3.0), ('p1', 'kitchen', 2.0), ('p1', 'tools', 1.5), ('p1', 'toys', 0.5),
    ('p2', 'toys', 2.5), ('p3', 'garden', 0.2)) AS t(person_id, category, affinity_index)`);
  await db.exec(sql`INSERT INTO events (message_id, type, customer_id, ${sql.id('timestamp')}, received_at, properties) VALUES
    ('m1', 'identify', 'r1', TIMESTAMP '2025-01-01', TIMESTAMP '2025-01-01', '{"plan":"silver","score":"12"}'),
    ('m2', 'identify', 'r1', TIMESTAMP '2025-02-01', TIMESTAMP '2025-02-01', '{"plan":"gold"}'),
    ('m3', 'identify', 'evt:u:u5', TIMESTAMP '2025-02-01', TIMESTAMP '2025-02-01', '{"plan":"free","score":3,"vip":true}'),
    ('m4', 'track', 'r2', TIMESTAMP '2025-03-01', TIMESTAMP '2025-03-01', '{"plan":"gold"}')`);
  return db;
}
