/**
 * Text normalisation for team and market matching.
 *
 * Every name, alias, title and question goes through {@link normalize} before it is compared, so
 * "Atlético Madrid", "ATLETICO-MADRID" and "atletico madrid" are the same key. Normalisation is
 * pure and cheap: the indexes store normalised keys once and markets are normalised once each.
 *
 * @since 0.1.0
 */

const COMBINING = /[\u0300-\u036f]/g
const NON_ALNUM = /[^a-z0-9]+/g

/**
 * Lower-case, strip accents, `&` → `and`, every other non-alphanumeric run → one space, trimmed.
 *
 * @category normalisation
 */
export const normalize = (text: string): string =>
  text
    .normalize("NFD")
    .replace(COMBINING, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’]/g, "")
    .replace(NON_ALNUM, " ")
    .trim()

/** The words of a normalised text. @category normalisation */
export const tokens = (normalized: string): ReadonlyArray<string> => (normalized === "" ? [] : normalized.split(" "))

/**
 * Words that say nothing about which team is meant (the original ladder's list, plus `fc`-style
 * club suffixes). They are dropped before word-overlap and nickname rules.
 *
 * @category normalisation
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set([
  "state",
  "city",
  "university",
  "college",
  "fc",
  "cf",
  "sc",
  "afc",
  "united",
  "team",
  "the",
  "of",
  "and",
  "vs",
  "v",
  "at",
  "in",
  "to",
  "for",
  "los",
  "san",
  "new",
  "las"
])

/** The words of a normalised text that are not {@link GENERIC_WORDS}. @category normalisation */
export const significantTokens = (normalized: string): ReadonlyArray<string> =>
  tokens(normalized).filter((t) => !GENERIC_WORDS.has(t))

/** A team code as venues write it: upper-case letters and digits only. @category normalisation */
export const normalizeCode = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, "")
