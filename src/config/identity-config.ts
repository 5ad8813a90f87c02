import { z } from 'zod';

/** Identifier types of the identity graph (Segment's names; the identifiers table's types map onto them). */
export const IDENTITY_TYPES = ['userId', 'accountId', 'loyaltyCard', 'externalId', 'anonymousId', 'email', 'phone'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];
/** Declared attributes of customer records that match keys can be made of. */
export const MATCH_ATTRIBUTES = ['first_name', 'last_name', 'birth_date', 'street_address', 'postcode', 'city', 'gender'] as const;

const perType = (defaults: Record<IdentityType, number>) =>
  z
    .object(Object.fromEntries(IDENTITY_TYPES.map((t) => [t, z.number().int().min(1).default(defaults[t])])) as Record<IdentityType, z.ZodDefault<z.ZodNumber>>)
    .prefault({});

/**
 * Identity resolution settings: how identifiers are normalised, which links may merge records
 * into one person, and how the golden record chooses each attribute. Rules and the precision and
 * recall they give on the demo company: docs/identity.md.
 */
export const identityConfigSchema = z
  .object({
    /** ISO 3166-1 country of phone numbers written in national form, when the record has no country. */
    defaultPhoneCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as FR')
      .default('FR'),
    email: z
      .object({
        /** Drop "+tag" from the local part (a+news@x.com = a@x.com). Off: tags are kept, the addresses stay distinct. */
        stripPlusTags: z.boolean().default(false),
        /** Ignore dots in Gmail local parts (j.doe@gmail.com = jdoe@gmail.com). Off: other providers do not, so dots are kept. */
        gmailDots: z.boolean().default(false),
      })
      .prefault({}),
    loyaltyCard: z
      .object({
        /** A loyalty card number, after spaces, dashes and dots are removed; anything else is not a card. */
        pattern: z.string().default('^[0-9A-Za-z]{4,32}$'),
      })
      .prefault({}),
    /** Values that never count as identifiers, on top of the built-in junk (empty, null, undefined, anonymous, -1, all zeros, all dashes). Compared after normalisation, case-insensitively. */
    blockList: z.array(z.string()).default(['test@test.com', 'noemail@noemail.com', 'no@email.com', 'none@none.com', 'email@email.com']),
    /**
     * An identifier value held by more than this many distinct persons is not used to merge: a
     * shop's, a placeholder or a large family's value (like Segment Unify's per-identifier limits).
     * Persons are counted as the links of the types before it in `trustOrder` have made them, so a
     * person's own records holding the value count once.
     */
    maxPersonsPerValue: perType({ userId: 50, accountId: 50, loyaltyCard: 5, externalId: 5, anonymousId: 5, email: 5, phone: 5 }),
    /**
     * Types whose values are a person's login. A person holds at most one value of them (counted
     * together, since an event's userId is the web account id): a merge that would give him two
     * is refused, whatever else the two sides share.
     */
    userIdTypes: z.array(z.enum(IDENTITY_TYPES)).min(1).default(['userId', 'accountId']),
    /** The order links are tried in: a stronger link claims records first, so a weaker one that conflicts is the one refused. */
    trustOrder: z.array(z.enum(IDENTITY_TYPES)).default(['userId', 'accountId', 'loyaltyCard', 'externalId', 'anonymousId', 'email', 'phone']),
    /**
     * Declared attributes that tell two humans apart: a merge through an identifier of these types
     * is refused when the two sides declare different values (first names compared without case
     * or accents; birth dates exactly). Catches shared family emails and phones below the limits.
     */
    conflicts: z
      .object({
        attributes: z.array(z.enum(['first_name', 'birth_date', 'gender'])).default(['first_name', 'birth_date']),
        types: z.array(z.enum(IDENTITY_TYPES)).default(['email', 'phone', 'anonymousId']),
      })
      .prefault({}),
    /**
     * Keys made of declared attributes that link records holding no common identifier (a store
     * card without email and a web account). A key links only when it is unambiguous: among the
     * records holding it, no source has two that are not already one person (a source keeps one
     * record per person, so two of them with the same name are two people), and the conflict
     * rule holds (different birth dates refuse the link). Names are compared without case,
     * accents or punctuation; street addresses with street types and titles spelt out ("av." =
     * "avenue"). Tried after every identifier, in this order. Empty: identifiers only. The name
     * and street address key joins most records that share no identifier. Name and postcode
     * (["first_name", "last_name", "postcode"]) is not a default: where the street is known it
     * only adds chance links (docs/identity.md); add it for sources that keep a postcode alone.
     */
    matchKeys: z
      .array(z.array(z.enum(MATCH_ATTRIBUTES)).min(2))
      .default([
        ['first_name', 'last_name', 'birth_date'],
        ['first_name', 'last_name', 'street_address', 'postcode'],
      ]),
    /**
     * A match key links only when the number of other people expected to hold it by chance is at
     * most this: the key's record count times the product of each attribute value's share among
     * the records declaring it (Fellegi and Sunter's u-probability, independence assumed). A
     * common name in a large postcode stays unlinked; the larger the base, the more keys do.
     */
    maxExpectedMatches: z.number().min(0).default(0.05),
    survivorship: z
      .object({
        /**
         * Sources in trust order (most trusted first): a value from a listed source beats any
         * value from a source after it or unlisted. Empty (default): the most recent value wins.
         */
        sourcePriority: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
  })
  .prefault({});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;
