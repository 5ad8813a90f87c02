/**
 * The fictional retailer's catalogue: eight ranges with their sub-categories, French product
 * names, prices, margin rates that differ by range, and their seasons. Fixed (not seeded), so
 * every demo company sells the same products.
 */
import { Rng } from './prng.js';

export interface SubCategory {
  readonly name: string;
  /** Price range of its products, in EUR. */
  readonly price: readonly [number, number];
  readonly products: readonly string[];
}

export interface Category {
  readonly name: string;
  readonly code: string;
  readonly marginRate: number;
  /** Base weight in customers' preferences. */
  readonly weight: number;
  /** Purchase intensity of the range by month (January .. December). */
  readonly monthly: readonly number[];
  readonly searches: readonly string[];
  readonly subCategories: readonly SubCategory[];
}

const FLAT = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

export const CATEGORIES: readonly Category[] = [
  {
    name: 'home', code: 'HOM', marginRate: 0.46, weight: 1.3, monthly: [1.2, 1, 1, 1, 1, 0.9, 0.9, 0.9, 1.1, 1.1, 1, 1.1],
    searches: ['coussin', 'lampe', 'rideaux', 'tapis', 'miroir', 'couette'],
    subCategories: [
      { name: 'decoration', price: [6, 60], products: ['Coussin velours', 'Vase en grès', 'Bougie parfumée', 'Cadre photo', 'Miroir rond', 'Plaid "cocooning"'] },
      { name: 'lighting', price: [15, 140], products: ['Lampe de chevet', 'Lampadaire arc', 'Guirlande LED', 'Applique murale', 'Suspension rotin'] },
      { name: 'bedding', price: [20, 160], products: ['Couette 4 saisons', 'Parure de lit, 240x260', 'Oreiller mémoire de forme', 'Drap housse coton'] },
      { name: 'furniture', price: [40, 450], products: ['Étagère murale', 'Table basse chêne', 'Chaise scandinave', 'Commode 3 tiroirs', 'Meuble TV'] },
    ],
  },
  {
    name: 'garden', code: 'GAR', marginRate: 0.4, weight: 0.9, monthly: [0.3, 0.4, 1.2, 1.9, 2, 1.7, 1.2, 0.8, 0.9, 0.6, 0.4, 0.6],
    searches: ['tondeuse', 'salon de jardin', 'barbecue', 'graines', 'tuyau arrosage', 'sécateur'],
    subCategories: [
      { name: 'plants', price: [4, 45], products: ['Rosier grimpant', 'Sachet de graines potagères', 'Terreau universel 40 L', 'Olivier en pot', 'Engrais bio'] },
      { name: 'tools', price: [8, 380], products: ['Sécateur', 'Râteau', 'Tondeuse électrique 1400 W', 'Taille-haie sans fil', 'Tuyau d\'arrosage 25 m', 'Bêche'] },
      { name: 'outdoor_furniture', price: [35, 600], products: ['Salon de jardin 4 places', 'Transat', 'Parasol déporté', 'Table de jardin'] },
      { name: 'barbecue', price: [25, 500], products: ['Barbecue charbon', 'Plancha gaz', 'Housse de barbecue', 'Kit ustensiles barbecue'] },
    ],
  },
  {
    name: 'kitchen', code: 'KIT', marginRate: 0.38, weight: 1, monthly: [1.1, 0.9, 0.9, 0.9, 1, 0.9, 0.8, 0.8, 1, 1, 1.2, 1.5],
    searches: ['poêle', 'robot', 'cafetière', 'couteau', 'bouilloire'],
    subCategories: [
      { name: 'cookware', price: [12, 150], products: ['Poêle 28 cm', 'Cocotte en fonte', 'Lot de casseroles', 'Plat à gratin'] },
      { name: 'small_appliances', price: [25, 400], products: ['Bouilloire', 'Blender', 'Robot pâtissier', 'Cafetière expresso', 'Grille-pain', 'Friteuse sans huile'] },
      { name: 'tableware', price: [5, 90], products: ['Service de 18 assiettes', 'Verres à vin (x6)', 'Couteau de chef', 'Ménagère 24 pièces'] },
    ],
  },
  {
    name: 'diy', code: 'DIY', marginRate: 0.34, weight: 0.8, monthly: [0.8, 0.9, 1.2, 1.3, 1.2, 1, 0.9, 0.9, 1.1, 1, 0.8, 0.9],
    searches: ['perceuse', 'peinture', 'visseuse', 'vis', 'ponceuse', 'devis cuisine'],
    subCategories: [
      { name: 'power_tools', price: [35, 320], products: ['Perceuse visseuse 18 V', 'Ponceuse orbitale', 'Scie sauteuse', 'Perforateur SDS'] },
      { name: 'hardware', price: [3, 60], products: ['Boîte de vis 500 pièces', 'Chevilles assorties', 'Caisse à outils', 'Mètre ruban 5 m', 'Niveau à bulle'] },
      { name: 'paint', price: [9, 80], products: ['Peinture murale blanc mat 10 L', 'Rouleau anti-goutte', 'Sous-couche', 'Lasure bois'] },
    ],
  },
  {
    name: 'toys', code: 'TOY', marginRate: 0.33, weight: 0.6, monthly: [0.6, 0.6, 0.7, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 1.1, 2.2, 3.2],
    searches: ['lego', 'jeu de société', 'trottinette', 'poupée', 'jeu switch', 'puzzle'],
    subCategories: [
      { name: 'games', price: [10, 60], products: ['Jeu de société familial', 'Puzzle 1000 pièces', 'Jeu de cartes', 'Jeu de construction'] },
      { name: 'video_games', price: [20, 80], products: ['Jeu Switch', 'Jeu PS5', 'Manette sans fil', 'Carte cadeau jeux vidéo'] },
      { name: 'outdoor_toys', price: [15, 180], products: ['Trottinette', 'Draisienne', 'Toboggan', 'Piscine gonflable'] },
      { name: 'baby', price: [8, 120], products: ['Peluche', 'Tapis d\'éveil', 'Hochet', 'Chaise haute'] },
    ],
  },
  {
    name: 'electronics', code: 'ELE', marginRate: 0.17, weight: 0.9, monthly: [1.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.1, 1, 1.5, 1.8],
    searches: ['casque bluetooth', 'télévision', 'enceinte', 'chargeur', 'tablette'],
    subCategories: [
      { name: 'audio', price: [15, 300], products: ['Casque Bluetooth', 'Enceinte portable', 'Écouteurs sans fil', 'Barre de son'] },
      { name: 'phones', price: [8, 700], products: ['Coque de téléphone', 'Chargeur rapide', 'Smartphone 128 Go', 'Batterie externe'] },
      { name: 'computing', price: [15, 900], products: ['Clavier sans fil', 'Souris ergonomique', 'Ordinateur portable 15"', 'Tablette 10"', 'Disque dur 2 To'] },
      { name: 'tv', price: [150, 1200], products: ['Téléviseur 55" 4K', 'Téléviseur 43"', 'Support mural TV'] },
    ],
  },
  {
    name: 'sports', code: 'SPO', marginRate: 0.36, weight: 0.7, monthly: [1.5, 1.1, 1.1, 1.1, 1.2, 1.3, 1.3, 1, 1.1, 0.8, 0.7, 0.9],
    searches: ['tapis de yoga', 'vélo', 'haltères', 'tente', 'chaussures running'],
    subCategories: [
      { name: 'fitness', price: [10, 250], products: ['Tapis de yoga', 'Haltères 2 x 5 kg', 'Corde à sauter', 'Vélo d\'appartement'] },
      { name: 'cycling', price: [10, 700], products: ['Casque vélo', 'Éclairage vélo', 'Antivol', 'Vélo tout chemin'] },
      { name: 'outdoor', price: [15, 300], products: ['Tente 3 places', 'Sac à dos 30 L', 'Gourde isotherme', 'Chaussures de randonnée'] },
    ],
  },
  {
    name: 'beauty', code: 'BEA', marginRate: 0.55, weight: 0.7, monthly: [0.9, 1.1, 0.9, 0.9, 1.2, 0.9, 0.9, 0.9, 0.9, 0.9, 1.1, 1.6],
    searches: ['parfum', 'crème visage', 'sèche-cheveux', 'shampoing'],
    subCategories: [
      { name: 'skincare', price: [6, 70], products: ['Crème hydratante visage', 'Sérum vitamine C', 'Lait corps', 'Masque à l\'argile'] },
      { name: 'hair', price: [5, 150], products: ['Shampoing doux', 'Sèche-cheveux 2000 W', 'Lisseur', 'Après-shampoing'] },
      { name: 'fragrance', price: [20, 120], products: ['Eau de parfum 50 ml', 'Eau de toilette 100 ml', 'Coffret parfum'] },
    ],
  },
];

export const CATEGORY_NAMES = CATEGORIES.map((c) => c.name);
export const CATEGORY_COUNT = CATEGORIES.length;
export const CATEGORY_MONTHLY = CATEGORIES.map((c) => (c.monthly.length === 12 ? c.monthly : FLAT));

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: number;
  readonly subCategory: string;
  readonly price: number;
  readonly unitCost: number;
}

const VARIANTS = ['', ' Essentiel', ' Confort', ' Premium', ' Compact', ' Éco', ' XL', ' Pro'];

export interface Catalogue {
  readonly products: readonly Product[];
  /** Products of each category, by increasing price. */
  readonly byCategory: readonly (readonly Product[])[];
  /** Prices of byCategory, for binary search. */
  readonly prices: readonly Float64Array[];
}

/** Each product name comes in 1-3 models; prices log-uniform in its sub-category's range. */
export function buildCatalogue(): Catalogue {
  const rng = Rng.of(20_260_630, 0xca7, 0);
  const products: Product[] = [];
  CATEGORIES.forEach((category, c) => {
    let n = 0;
    for (const sub of category.subCategories) {
      for (const base of sub.products) {
        const models = 1 + rng.int(3);
        const start = rng.int(VARIANTS.length);
        for (let k = 0; k < models; k++) {
          const [lo, hi] = sub.price;
          const raw = Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
          // Prices end in .99 or .90, as shelves show them.
          const price = Math.max(1.99, Math.floor(raw) + (rng.chance(0.7) ? 0.99 : 0.9));
          const margin = category.marginRate * (0.75 + 0.5 * rng.next());
          n++;
          products.push({
            sku: `${category.code}-${String(n).padStart(4, '0')}`,
            name: `${base}${VARIANTS[(start + k) % VARIANTS.length] ?? ''}`,
            category: c,
            subCategory: sub.name,
            price,
            unitCost: Math.round(price * (1 - margin) * 100) / 100,
          });
        }
      }
    }
  });
  const byCategory = CATEGORIES.map((_, c) => products.filter((p) => p.category === c).sort((a, b) => a.price - b.price));
  return { products, byCategory, prices: byCategory.map((list) => Float64Array.from(list, (p) => p.price)) };
}

/** Index of the last product priced at most `target` (0 if none), in a price-sorted list. */
export function priceIndex(prices: Float64Array, target: number): number {
  let lo = 0;
  let hi = prices.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((prices[mid] ?? 0) <= target) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
