/**
 * What a mapped outcome pays on, as a set of game results, so that combinations of outcomes can
 * be checked for exactly-one-pays coverage whatever the venues call them.
 *
 * @since 0.1.0
 */
import type { OutcomeMeaning } from "../../schema/Market.ts"

/** A game result: home win, draw, away win. @category models */
export type Result = "H" | "D" | "A"

/** The results a contract pays on; `other` (a negRisk "Other") pays on something we cannot name. @category models */
export const paysOn = (meaning: OutcomeMeaning, withDraw: boolean): ReadonlySet<Result> | undefined => {
  switch (meaning) {
    case "home_win":
      return new Set(["H"])
    case "away_win":
      return new Set(["A"])
    case "draw":
      return withDraw ? new Set(["D"]) : undefined
    case "not_home_win":
      return new Set(withDraw ? ["D", "A"] : ["A"])
    case "not_away_win":
      return new Set(withDraw ? ["H", "D"] : ["H"])
    case "other":
      return undefined
  }
}

/**
 * Whether the outcomes together pay exactly $1 in every result: each result covered exactly once.
 *
 * @category models
 */
export const partitions = (meanings: ReadonlyArray<OutcomeMeaning>, withDraw: boolean): boolean => {
  const space: ReadonlyArray<Result> = withDraw ? ["H", "D", "A"] : ["H", "A"]
  const counts = new Map<Result, number>(space.map((r) => [r, 0]))
  for (const meaning of meanings) {
    const results = paysOn(meaning, withDraw)
    if (results === undefined) return false
    for (const r of results) counts.set(r, (counts.get(r) ?? 0) + 1)
  }
  return space.every((r) => counts.get(r) === 1)
}

/** The probability an outcome pays, from a model's result probabilities. @category models */
export const probabilityOf = (meaning: OutcomeMeaning, p: { readonly home: number; readonly draw: number; readonly away: number }): number | undefined => {
  switch (meaning) {
    case "home_win":
      return p.home
    case "away_win":
      return p.away
    case "draw":
      return p.draw
    case "not_home_win":
      return p.draw + p.away
    case "not_away_win":
      return p.home + p.draw
    case "other":
      return undefined
  }
}
