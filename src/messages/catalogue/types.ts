/** One sentence in every language of the dashboard and the API. */
export interface Entry {
  readonly en: string;
  readonly fr: string;
}
export type Catalogue = Readonly<Record<string, Entry>>;
