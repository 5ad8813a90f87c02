/** French first names (with gender), last names, cities and email domains for the demo company. */
export const FEMALE_NAMES = ['Marie', 'Camille', 'Léa', 'Manon', 'Chloé', 'Emma', 'Inès', 'Sarah', 'Julie', 'Anne', 'Sophie', 'Nathalie', 'Isabelle', 'Claire', 'Céline', 'Laura', 'Pauline', 'Lucie', 'Élodie', 'Amandine'];
export const MALE_NAMES = ['Jean', 'Pierre', 'Thomas', 'Nicolas', 'Julien', 'Lucas', 'Hugo', 'Louis', 'Antoine', 'Maxime', 'Alexandre', 'Romain', 'Olivier', 'Philippe', 'François', 'Mathieu', 'Sébastien', 'Éric', 'Paul', 'Théo'];
export const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guerin', 'Muller', 'Henry', 'Roussel', 'Nicolas'];

export interface City {
  readonly name: string;
  readonly postcode: string;
  readonly country: string;
  readonly weight: number;
}

export const CITIES: readonly City[] = [
  { name: 'Paris', postcode: '75011', country: 'FR', weight: 10 },
  { name: 'Lyon', postcode: '69003', country: 'FR', weight: 5 },
  { name: 'Marseille', postcode: '13008', country: 'FR', weight: 5 },
  { name: 'Toulouse', postcode: '31000', country: 'FR', weight: 4 },
  { name: 'Nantes', postcode: '44000', country: 'FR', weight: 3 },
  { name: 'Bordeaux', postcode: '33000', country: 'FR', weight: 3 },
  { name: 'Lille', postcode: '59000', country: 'FR', weight: 3 },
  { name: 'Rennes', postcode: '35000', country: 'FR', weight: 2 },
  { name: 'Strasbourg', postcode: '67000', country: 'FR', weight: 2 },
  { name: 'Montpellier', postcode: '34000', country: 'FR', weight: 2 },
  { name: 'Grenoble', postcode: '38000', country: 'FR', weight: 1.5 },
  { name: 'Dijon', postcode: '21000', country: 'FR', weight: 1 },
  { name: 'Angers', postcode: '49000', country: 'FR', weight: 1 },
  { name: 'Brest', postcode: '29200', country: 'FR', weight: 1 },
  { name: 'Bruxelles', postcode: '1000', country: 'BE', weight: 0.8 },
  { name: 'Genève', postcode: '1201', country: 'CH', weight: 0.4 },
];
export const CITY_WEIGHTS = CITIES.map((c) => c.weight);

export const EMAIL_DOMAINS = ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net', 'hotmail.fr', 'sfr.fr', 'yahoo.fr', 'outlook.fr'];
export const EMAIL_DOMAIN_WEIGHTS = [10, 5, 4, 2, 3, 2, 2, 2];

export const SOCIO_PROFESSIONAL = ['farmer', 'craftsman', 'executive', 'intermediate', 'employee', 'worker', 'retired', 'other'];
export const SOCIO_WEIGHTS = [1, 3, 8, 12, 14, 10, 12, 6];
export const INCOME_BANDS = ['<20k', '20-40k', '40-70k', '70k+'];

/** ASCII local part of an email from a name ("Élodie" -> "elodie"). */
export function asciiName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
