/** The marketing calendar: fortnightly emails, SMS at sales, catalogues by mail, calls, app pushes. */
import { APP_LAUNCH, DAY, END, formatDate, inSales, secondsAt } from './calendar.js';

export type ContactChannel = 'email' | 'sms' | 'mail' | 'phone' | 'push';

export interface Campaign {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly channel: ContactChannel;
  readonly objective: string;
  readonly start: number;
  readonly unitCost: number;
}

/** Cost of one contact by channel, in EUR. */
export const CONTACT_UNIT_COST: Record<ContactChannel, number> = { email: 0.002, sms: 0.06, mail: 0.9, phone: 3.5, push: 0.0005 };

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const YEARS = [2023, 2024, 2025, 2026];

function monthName(seconds: number): string {
  const date = formatDate(seconds);
  return `${MONTHS[Number(date.slice(5, 7)) - 1] ?? ''} ${date.slice(0, 4)}`;
}

interface Draft {
  name: string;
  channel: ContactChannel;
  objective: string;
  start: number;
  unitCost?: number;
}

export function buildCampaigns(): Campaign[] {
  const drafts: Draft[] = [];
  const cycle = ['newsletter', 'promotion', 'cross_sell', 'newsletter', 'reactivation'] as const;
  const emailName: Record<string, string> = {
    newsletter: 'Newsletter',
    promotion: 'Promotions',
    cross_sell: 'Sélection pour vous',
    reactivation: 'Vous nous manquez',
  };
  for (let t = 3 * DAY + 10 * 3600, k = 0; t < END - 2 * DAY; t += 14 * DAY, k++) {
    const objective = inSales(t) ? 'promotion' : (cycle[k % cycle.length] ?? 'newsletter');
    drafts.push({ name: `${emailName[objective] ?? objective}, ${monthName(t)}`, channel: 'email', objective, start: t });
  }
  drafts.push({ name: "Lancement de l'application", channel: 'email', objective: 'app_launch', start: APP_LAUNCH + DAY + 9 * 3600 });
  for (const year of YEARS) {
    const at = (m: number, d: number, h: number): number => secondsAt(year, m, d, h);
    drafts.push(
      { name: `Soldes d'hiver ${year} - SMS`, channel: 'sms', objective: 'promotion', start: at(1, 8, 11) },
      { name: `Fête des mères ${year}`, channel: 'sms', objective: 'promotion', start: at(5, 20, 11) },
      { name: `Soldes d'été ${year} - SMS`, channel: 'sms', objective: 'promotion', start: at(6, 25, 11) },
      { name: `Black Friday ${year}`, channel: 'sms', objective: 'promotion', start: at(11, 22, 8) },
      { name: `Noël ${year}, derniers jours`, channel: 'sms', objective: 'promotion', start: at(12, 15, 11) },
      { name: `Catalogue printemps ${year}`, channel: 'mail', objective: 'catalogue', start: at(3, 1, 8) },
      { name: `Catalogue jardin, été ${year}`, channel: 'mail', objective: 'catalogue', start: at(6, 1, 8) },
      { name: `Catalogue rentrée ${year}`, channel: 'mail', objective: 'catalogue', start: at(9, 10, 8), unitCost: 1.2 },
      { name: `Catalogue de Noël ${year}`, channel: 'mail', objective: 'catalogue', start: at(11, 8, 8), unitCost: 1.6 },
      { name: `Relance clients inactifs, automne ${year}`, channel: 'mail', objective: 'reactivation', start: at(10, 5, 8) },
      { name: `Appels de réactivation, printemps ${year}`, channel: 'phone', objective: 'reactivation', start: at(4, 2, 9) },
      { name: `Appels de réactivation, automne ${year}`, channel: 'phone', objective: 'reactivation', start: at(10, 1, 9) },
    );
  }
  for (let t = APP_LAUNCH + 21 * DAY + 18 * 3600, k = 0; t < END - 2 * DAY; t += 30 * DAY, k++) {
    drafts.push({ name: `Notification appli, ${monthName(t)}`, channel: 'push', objective: k % 2 ? 'newsletter' : 'promotion', start: t });
  }
  return drafts
    .filter((d) => d.start >= 0 && d.start < END - 2 * DAY)
    .sort((a, b) => a.start - b.start)
    .map((d, index) => ({
      index,
      id: `CMP-${String(index + 1).padStart(4, '0')}`,
      name: d.name,
      channel: d.channel,
      objective: d.objective,
      start: d.start,
      unitCost: d.unitCost ?? CONTACT_UNIT_COST[d.channel],
    }));
}
