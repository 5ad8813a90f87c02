/**
 * What every person's generation shares, built once per run: the population, the catalogue,
 * the campaign calendar and the keyed numberings of records. Immutable, so batches of persons
 * can be generated in any order (or in parallel) and give the same rows.
 */
import { buildCatalogue, CATEGORY_MONTHLY, type Catalogue } from './catalogue.js';
import { categorySeason } from './calendar.js';
import { buildCampaigns, type Campaign } from './campaigns.js';
import { Population } from './population.js';
import { Scrambler } from './prng.js';

export type Source = 'store' | 'web' | 'callcenter' | 'partner';
const PREFIX: Record<Source, string> = { store: 'S', web: 'W', callcenter: 'C', partner: 'P' };

/** Random-stream keys: each concern draws from its own stream of a person. */
export const STREAM = { life: 2, web: 3, marketing: 4, service: 5, anonymous: 6, address: 7, addressNoise: 8 } as const;

export class World {
  readonly population: Population;
  readonly catalogue: Catalogue = buildCatalogue();
  readonly campaigns: readonly Campaign[];
  readonly categorySeason = categorySeason(CATEGORY_MONTHLY);
  private readonly digits: number;
  private readonly recordNumbers: Record<Source, Scrambler>;
  private readonly cardNumbers: Scrambler;
  private readonly accountNumbers: Scrambler;

  constructor(
    readonly seed: number,
    readonly size: number,
  ) {
    this.population = new Population(seed, size);
    this.campaigns = buildCampaigns();
    this.digits = Math.max(7, Math.ceil(Math.log10(size + 1)) + 1);
    const modulus = 10 ** this.digits;
    this.recordNumbers = {
      store: new Scrambler(seed, 11, modulus),
      web: new Scrambler(seed, 12, modulus),
      callcenter: new Scrambler(seed, 13, modulus),
      partner: new Scrambler(seed, 14, modulus),
    };
    this.cardNumbers = new Scrambler(seed, 15, 1e9);
    this.accountNumbers = new Scrambler(seed, 16, modulus);
  }

  /** The id of person `index`'s record in a source: unique, stable, unrelated across sources. */
  recordId(source: Source, index: number): string {
    return `${PREFIX[source]}${String(this.recordNumbers[source].map(index)).padStart(this.digits, '0')}`;
  }

  loyaltyCard(index: number): string {
    return `2900${String(this.cardNumbers.map(index)).padStart(9, '0')}`;
  }

  accountId(index: number): string {
    return `u${String(this.accountNumbers.map(index)).padStart(this.digits, '0')}`;
  }

  crmId(index: number, source: Source): string {
    return source === 'partner' ? `PTN-${this.recordId(source, index).slice(1)}` : `CRM-${this.recordId(source, index).slice(1)}`;
  }
}
