import { TABLES, type TableName } from '../store/index.js';
import { buildCatalogue, type Product } from './catalogue.js';
import { CsvTable, TimeFormatter } from './writer.js';
import { Rng } from './random.js';
import { DAY, HORIZON, ORIGIN_MS } from './timeline.js';

export type ContactChannel = 'email' | 'sms' | 'mail';

export interface Campaign {
  readonly id: string;
  readonly channel: ContactChannel;
  readonly objective: string;
  readonly at: number;
  readonly unitCost: number;
}

/** Everything the per-person generation shares: random source, output tables, catalogue, counters. */
export class World {
  readonly rng: Rng;
  readonly time = new TimeFormatter(ORIGIN_MS);
  readonly tables: Record<TableName, CsvTable>;
  readonly truthPersons: CsvTable;
  readonly truthRecords: CsvTable;
  readonly truthIdentifiers: CsvTable;
  readonly products: Product[];
  readonly byCategory: Product[][];
  readonly campaigns: Campaign[];
  private readonly counters = new Map<string, number>();
  /** Record ids of people likely to recommend us, with their person index (for referrals). */
  readonly referrers: { record: string; person: number }[] = [];

  constructor(seed: number, outDir: string, truthDir: string) {
    this.rng = new Rng(seed);
    this.tables = Object.fromEntries(
      TABLES.map((t) => [t.name, new CsvTable(outDir, t.name, t.columns.map((c) => c.name))]),
    ) as Record<TableName, CsvTable>;
    this.truthPersons = new CsvTable(truthDir, 'persons', [
      'person_id', 'digital_type', 'preferred_channel', 'lambda_per_week', 'dropout_p', 'birth_at', 'death_at',
      'spend_nu', 'mean_order_value', 'preferred_categories', 'single_category', 'missing_categories', 'costly',
      'faithful_small', 'referred_by', 'orders', 'app_adoption_at',
    ]);
    this.truthRecords = new CsvTable(truthDir, 'records', ['customer_id', 'person_id']);
    this.truthIdentifiers = new CsvTable(truthDir, 'identifiers', ['customer_id', 'type', 'value', 'person_id']);
    const catalogue = buildCatalogue(new Rng(seed ^ 0x5eed));
    this.products = catalogue.products;
    this.byCategory = catalogue.byCategory;
    this.campaigns = buildCampaigns();
  }

  /** Next id of a sequence, e.g. nextId('O', 9) -> "O000000001". */
  nextId(prefix: string, width: number): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${String(n).padStart(width, '0')}`;
  }

  close(): void {
    for (const table of Object.values(this.tables)) table.close();
    this.truthPersons.close();
    this.truthRecords.close();
    this.truthIdentifiers.close();
  }
}

function buildCampaigns(): Campaign[] {
  const campaigns: Campaign[] = [];
  const objectives = ['newsletter', 'promotion', 'cross_sell', 'newsletter', 'reactivation'];
  let n = 0;
  for (let t = 7 * DAY, i = 0; t < HORIZON; t += 14 * DAY, i++) {
    campaigns.push({ id: '', channel: 'email', objective: objectives[i % objectives.length] as string, at: t + 9 * 3600, unitCost: 0.002 });
  }
  for (let t = 20 * DAY; t < HORIZON; t += 42 * DAY) campaigns.push({ id: '', channel: 'sms', objective: 'promotion', at: t + 11 * 3600, unitCost: 0.06 });
  for (let t = 45 * DAY; t < HORIZON; t += 91 * DAY) campaigns.push({ id: '', channel: 'mail', objective: 'catalogue', at: t + 8 * 3600, unitCost: 0.9 });
  campaigns.sort((a, b) => a.at - b.at);
  return campaigns.map((c) => ({ ...c, id: `CMP-${String(++n).padStart(4, '0')}` }));
}
