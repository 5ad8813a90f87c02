/** French (and a few Belgian and Swiss) names, places and email domains of the demo company. */

export const FEMALE_NAMES = [
  'Marie', 'Nathalie', 'Isabelle', 'Sylvie', 'Catherine', 'Françoise', 'Christine', 'Valérie', 'Sandrine', 'Céline',
  'Stéphanie', 'Sophie', 'Véronique', 'Laurence', 'Aurélie', 'Julie', 'Camille', 'Émilie', 'Claire', 'Anne',
  'Léa', 'Manon', 'Chloé', 'Emma', 'Inès', 'Sarah', 'Laura', 'Pauline', 'Lucie', 'Élodie',
  'Amandine', 'Hélène', 'Monique', 'Jacqueline', 'Martine', 'Brigitte', 'Nicole', 'Josiane', 'Océane', 'Zoé',
] as const;

export const MALE_NAMES = [
  'Jean', 'Pierre', 'Michel', 'Philippe', 'Alain', 'Nicolas', 'Christophe', 'Patrick', 'Daniel', 'Stéphane',
  'Laurent', 'Frédéric', 'Éric', 'David', 'Julien', 'Sébastien', 'Olivier', 'Thomas', 'Guillaume', 'François',
  'Lucas', 'Hugo', 'Louis', 'Antoine', 'Maxime', 'Alexandre', 'Romain', 'Mathieu', 'Paul', 'Théo',
  'Gérard', 'Bernard', 'Jacques', 'André', 'René', 'Yves', 'Kévin', 'Mehdi', 'Karim', 'Jérôme',
] as const;

export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier',
  'Morel', 'Girard', 'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez',
  'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas',
  'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin',
  'Masson', 'Sanchez', 'Gérard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier',
  'Roger', 'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas', 'Meunier', 'Jean', 'Perez', 'Marchand',
  'Dufour', 'Blanchard', 'Marie', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin',
  'Fernandez', 'Pierre', 'Renard', 'Arnaud', 'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc', 'Vidal',
  'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard', 'Philippe', 'Leclercq', 'Lacroix', 'Fabre', 'Dupuis',
] as const;

export interface Place {
  readonly city: string;
  readonly postcode: string;
  readonly country: 'FR' | 'BE' | 'CH';
  /** Relative population weight. */
  readonly weight: number;
  /** The store serving it. */
  readonly store: string;
}

const P = (city: string, postcode: string, weight: number, store: string, country: Place['country'] = 'FR'): Place => ({
  city, postcode, country, weight, store,
});

export const PLACES: readonly Place[] = [
  P('Paris', '75011', 9, 'ST01'), P('Paris', '75015', 8, 'ST02'), P('Paris', '75018', 7, 'ST01'),
  P('Boulogne-Billancourt', '92100', 3, 'ST02'), P('Saint-Denis', '93200', 3, 'ST03'), P('Versailles', '78000', 2.5, 'ST04'),
  P('Créteil', '94000', 2.5, 'ST03'), P('Argenteuil', '95100', 2, 'ST04'), P('Marseille', '13008', 6, 'ST05'),
  P('Marseille', '13013', 4, 'ST05'), P('Aix-en-Provence', '13100', 3, 'ST06'), P('Toulon', '83000', 3, 'ST06'),
  P('Nice', '06000', 4.5, 'ST07'), P('Cannes', '06400', 1.5, 'ST07'), P('Lyon', '69003', 6, 'ST08'),
  P('Villeurbanne', '69100', 3, 'ST08'), P('Saint-Étienne', '42000', 3, 'ST09'), P('Grenoble', '38000', 3, 'ST10'),
  P('Annecy', '74000', 2, 'ST10'), P('Toulouse', '31000', 6, 'ST11'), P('Montpellier', '34000', 4.5, 'ST12'),
  P('Nîmes', '30000', 2.5, 'ST12'), P('Perpignan', '66000', 2, 'ST12'), P('Bordeaux', '33000', 5, 'ST13'),
  P('Mérignac', '33700', 1.5, 'ST13'), P('Pau', '64000', 1.5, 'ST13'), P('Nantes', '44000', 5, 'ST14'),
  P('Saint-Nazaire', '44600', 1.5, 'ST14'), P('Angers', '49000', 2.5, 'ST14'), P('Rennes', '35000', 4, 'ST15'),
  P('Brest', '29200', 2.5, 'ST15'), P('Le Mans', '72000', 2.5, 'ST16'), P('Tours', '37000', 2.5, 'ST16'),
  P('Orléans', '45000', 2.5, 'ST16'), P('Lille', '59000', 4.5, 'ST17'), P('Roubaix', '59100', 2, 'ST17'),
  P('Amiens', '80000', 2, 'ST17'), P('Rouen', '76000', 2.5, 'ST18'), P('Le Havre', '76600', 2.5, 'ST18'),
  P('Caen', '14000', 2, 'ST18'), P('Strasbourg', '67000', 4, 'ST19'), P('Metz', '57000', 2, 'ST19'),
  P('Nancy', '54000', 2, 'ST19'), P('Mulhouse', '68100', 2, 'ST19'), P('Reims', '51100', 3, 'ST20'),
  P('Dijon', '21000', 2.5, 'ST20'), P('Besançon', '25000', 2, 'ST20'), P('Clermont-Ferrand', '63000', 2.5, 'ST09'),
  P('Limoges', '87000', 2, 'ST11'), P('Poitiers', '86000', 1.5, 'ST13'),
  P('Bruxelles', '1000', 1.5, 'ST17', 'BE'), P('Liège', '4000', 0.8, 'ST17', 'BE'), P('Namur', '5000', 0.4, 'ST17', 'BE'),
  P('Genève', '1201', 0.9, 'ST10', 'CH'), P('Lausanne', '1003', 0.6, 'ST10', 'CH'),
];

export const PLACE_WEIGHTS = PLACES.map((p) => p.weight);

export const EMAIL_DOMAINS = ['gmail.com', 'orange.fr', 'free.fr', 'hotmail.fr', 'laposte.net', 'sfr.fr', 'yahoo.fr', 'outlook.fr', 'wanadoo.fr', 'icloud.com'] as const;
export const EMAIL_DOMAIN_WEIGHTS = [32, 16, 10, 10, 6, 6, 6, 6, 4, 4];
/** Misspelt domains a typing slip produces (a real typo that normalisation cannot undo). */
export const DOMAIN_TYPOS: Readonly<Record<string, string>> = {
  'gmail.com': 'gmial.com', 'orange.fr': 'ornage.fr', 'free.fr': 'fre.fr', 'hotmail.fr': 'hotmial.fr',
  'laposte.net': 'lapost.net', 'sfr.fr': 'sfr.fe', 'yahoo.fr': 'yaho.fr', 'outlook.fr': 'outlok.fr',
  'wanadoo.fr': 'wanado.fr', 'icloud.com': 'iclou.com',
};

export const SOCIO_PROFESSIONAL = ['farmer', 'craftsman', 'executive', 'intermediate', 'employee', 'worker', 'retired', 'other'] as const;
export const INCOME_BANDS = ['<20k', '20-40k', '40-70k', '70k+'] as const;

/** ASCII, lower-case letters of a name ("Élodie" -> "elodie", "Saint-Étienne" -> "saintetienne"). */
export function asciiLower(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Drops accents but keeps case and punctuation, as old till systems print names. */
export function withoutAccents(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * Streets found in most French towns (INSEE's and La Poste's most frequent street names), with
 * their type as written out in full. An address is a number (sometimes "bis") and one of them.
 */
export const STREETS = [
  'rue de la République', 'rue Victor Hugo', 'rue de la Gare', 'rue Pasteur', 'rue Jean Jaurès', 'rue de l\'Église',
  'place de l\'Église', 'rue du Moulin', 'rue des Écoles', 'rue du Château', 'rue Principale', 'rue de la Mairie',
  'rue Jules Ferry', 'rue Gambetta', 'rue de Paris', 'rue Nationale', 'rue du Stade', 'rue des Jardins',
  'rue de la Fontaine', 'rue du Général de Gaulle', 'avenue du Général de Gaulle', 'avenue Jean Jaurès', 'avenue de la République',
  'avenue Victor Hugo', 'avenue de la Gare', 'avenue Foch', 'avenue des Champs', 'boulevard Gambetta', 'boulevard Voltaire',
  'boulevard Victor Hugo', 'boulevard de la Liberté', 'boulevard Jean Jaurès', 'rue Voltaire', 'rue Carnot', 'rue Saint-Martin',
  'rue Émile Zola', 'rue Anatole France', 'rue Louis Pasteur', 'rue Jean Moulin', 'rue du Maréchal Foch', 'rue de la Paix',
  'rue des Lilas', 'rue des Tilleuls', 'rue des Acacias', 'rue des Roses', 'rue des Peupliers', 'rue des Vignes',
  'rue du Four', 'rue de la Croix', 'rue du Puits', 'rue du Pont', 'rue de la Forge', 'rue des Prés',
  'rue du Commerce', 'rue de l\'Industrie', 'rue de la Liberté', 'rue Pierre Curie', 'rue Marie Curie', 'rue Georges Clemenceau',
  'rue Aristide Briand', 'rue Paul Bert', 'rue Alsace-Lorraine', 'rue de Verdun', 'rue du 8 Mai 1945', 'rue du 11 Novembre',
  'chemin des Vignes', 'chemin du Moulin', 'chemin de la Croix', 'chemin des Écoliers', 'allée des Tilleuls', 'allée des Chênes',
  'allée des Érables', 'allée des Pins', 'impasse des Lilas', 'impasse du Moulin', 'impasse des Roses', 'place de la Mairie',
  'place de la République', 'place du Marché', 'place Charles de Gaulle', 'route de Paris', 'route Nationale', 'route de la Gare',
  'quai de la Loire', 'quai Voltaire', 'cours Victor Hugo', 'cours Gambetta', 'square Jean Moulin', 'rue Lamartine',
  'rue Molière', 'rue Racine', 'rue Jean-Baptiste Clément', 'rue Saint-Jacques', 'rue Sainte-Anne', 'rue de la Poste',
] as const;

/** How a till, an agent or a form shortens a street type ("av.", "BD"...). */
export const STREET_TYPE_ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  rue: ['r', 'r.'],
  avenue: ['av', 'av.', 'ave'],
  boulevard: ['bd', 'bd.', 'bld'],
  place: ['pl', 'pl.'],
  chemin: ['ch', 'chem.'],
  allée: ['all', 'all.'],
  impasse: ['imp', 'imp.'],
  route: ['rte', 'rte.'],
  quai: ['qu', 'qu.'],
  cours: ['crs'],
  square: ['sq', 'sq.'],
};
