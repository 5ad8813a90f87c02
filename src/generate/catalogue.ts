import type { Rng } from './random.js';

/** The fictional retailer's ranges: sub-categories, typical price and margin rate. */
export interface Category {
  readonly name: string;
  readonly subCategories: readonly string[];
  readonly nouns: readonly string[];
  readonly typicalPrice: number;
  readonly marginRate: number;
  /** Base weight of the range in a customer's preferences. */
  readonly weight: number;
}

export const CATEGORIES: readonly Category[] = [
  { name: 'home', subCategories: ['furniture', 'lighting', 'decoration', 'bedding'], nouns: ['Chair', 'Lamp', 'Vase', 'Cushion', 'Shelf', 'Duvet'], typicalPrice: 45, marginRate: 0.45, weight: 1.4 },
  { name: 'kitchen', subCategories: ['cookware', 'small_appliances', 'tableware'], nouns: ['Pan', 'Blender', 'Plate set', 'Kettle', 'Knife'], typicalPrice: 35, marginRate: 0.4, weight: 1.2 },
  { name: 'garden', subCategories: ['plants', 'tools', 'outdoor_furniture', 'barbecue'], nouns: ['Rose bush', 'Rake', 'Garden table', 'Barbecue', 'Hose'], typicalPrice: 40, marginRate: 0.38, weight: 0.9 },
  { name: 'diy', subCategories: ['power_tools', 'hardware', 'paint'], nouns: ['Drill', 'Screw box', 'Paint pot', 'Sander', 'Toolbox'], typicalPrice: 50, marginRate: 0.32, weight: 0.9 },
  { name: 'toys', subCategories: ['games', 'video_games', 'outdoor_toys', 'baby'], nouns: ['Board game', 'Console game', 'Scooter', 'Puzzle', 'Plush'], typicalPrice: 30, marginRate: 0.35, weight: 0.7 },
  { name: 'electronics', subCategories: ['audio', 'phones', 'computing', 'tv'], nouns: ['Headphones', 'Phone case', 'Keyboard', 'Speaker', 'Television'], typicalPrice: 90, marginRate: 0.18, weight: 0.9 },
  { name: 'sports', subCategories: ['fitness', 'cycling', 'outdoor'], nouns: ['Yoga mat', 'Bike lamp', 'Tent', 'Dumbbells', 'Backpack'], typicalPrice: 38, marginRate: 0.36, weight: 0.8 },
  { name: 'beauty', subCategories: ['skincare', 'hair', 'fragrance'], nouns: ['Face cream', 'Hair dryer', 'Perfume', 'Shampoo'], typicalPrice: 25, marginRate: 0.5, weight: 0.8 },
];

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: number;
  readonly subCategory: string;
  readonly price: number;
  readonly unitCost: number;
}

const ADJECTIVES = ['Classic', 'Premium', 'Compact', 'Family', 'Eco', 'Pro', 'Mini', 'Deluxe', 'Nordic', 'Essential'];

/** Products of each range, ordered by popularity (the first sell most). */
export function buildCatalogue(rng: Rng, perCategory = 40): { products: Product[]; byCategory: Product[][] } {
  const products: Product[] = [];
  const byCategory: Product[][] = CATEGORIES.map(() => []);
  CATEGORIES.forEach((category, c) => {
    for (let i = 0; i < perCategory; i++) {
      // Log-normal prices around the range's typical price; premium items cost several times more.
      const price = Math.max(2.9, Math.round(category.typicalPrice * Math.exp(0.7 * rng.normal()) * 100) / 100 - 0.01);
      const margin = Math.min(0.8, Math.max(0.05, category.marginRate + 0.08 * rng.normal()));
      const product: Product = {
        sku: `${category.name.slice(0, 3).toUpperCase()}-${String(c * 1000 + i).padStart(5, '0')}`,
        name: `${rng.pick(ADJECTIVES)} ${rng.pick(category.nouns)} ${i + 1}`,
        category: c,
        subCategory: rng.pick(category.subCategories),
        price: Math.round(price * 100) / 100,
        unitCost: Math.round(price * (1 - margin) * 100) / 100,
      };
      products.push(product);
      byCategory[c]?.push(product);
    }
  });
  return { products, byCategory };
}

/** A product of the range, popular ones more often (Zipf-like). */
export function pickProduct(rng: Rng, range: readonly Product[]): Product {
  const u = rng.next();
  return range[Math.min(range.length - 1, Math.floor(range.length * u * u))] as Product;
}

export const CATEGORY_INDEX = new Map(CATEGORIES.map((c, i) => [c.name, i]));
