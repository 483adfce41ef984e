/**
 * NFL expected points (EP) of a possession: the net points of the next score, from down, distance
 * and field position.
 *
 * **Source.** First to third down come from the nflfastR 2.1.0 EP table published by M. Morris,
 * "Expected points added cheatsheet" (michael-morris.us, 2020-08): yards to the end zone 10..95 in
 * steps of 5, for 1st & 10 and 2nd/3rd & 10, 7, 5, 3, 1. Values between grid points are
 * interpolated linearly; longer distances extrapolate the 7→10 slope up to 25 yards.
 *
 * **Approximations (unverified; no table covers them):**
 * - Inside the 10, 1st & goal rises linearly to 6.0 at the 1; later downs shift by the same amount.
 * - Fourth down is the better of a field goal (make probability logistic in kick distance:
 *   94% at 33 yards, 65% at 53), a punt (40 net yards, no closer than the opponent's 15) and, at
 *   4th & 1–2 between the opponent's 30 and own 40, going for it (65% conversion).
 *
 * @since 0.1.0
 */

const YARDS = [10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95] as const

/** Columns: 1&10 | 2&10 2&7 2&5 2&3 2&1 | 3&10 3&7 3&5 3&3 3&1 (nflfastR 2.1.0 via M. Morris) */
const TABLE: ReadonlyArray<ReadonlyArray<number>> = [
  [5.0, 4.5, 4.6, 4.8, 4.9, 5.2, 3.8, 3.9, 4.1, 4.3, 4.6],
  [4.8, 4.4, 4.4, 4.6, 4.7, 5.0, 3.7, 3.8, 3.9, 4.1, 4.4],
  [4.4, 4.0, 4.1, 4.3, 4.3, 4.5, 3.4, 3.5, 3.7, 3.7, 4.1],
  [4.1, 3.7, 3.8, 3.9, 4.0, 4.2, 3.1, 3.2, 3.4, 3.4, 3.7],
  [3.8, 3.4, 3.5, 3.6, 3.7, 3.9, 2.7, 2.8, 2.9, 3.1, 3.3],
  [3.5, 3.0, 3.1, 3.3, 3.4, 3.6, 2.3, 2.3, 2.5, 2.7, 3.0],
  [3.2, 2.6, 2.8, 2.9, 3.0, 3.2, 1.9, 1.9, 2.1, 2.3, 2.7],
  [2.8, 2.4, 2.4, 2.6, 2.8, 3.0, 1.6, 1.7, 1.8, 2.0, 2.5],
  [2.5, 2.1, 2.1, 2.3, 2.4, 2.7, 1.3, 1.3, 1.5, 1.6, 2.1],
  [2.2, 1.7, 1.8, 2.0, 2.0, 2.4, 0.9, 1.0, 1.1, 1.3, 1.8],
  [1.8, 1.3, 1.4, 1.6, 1.7, 2.0, 0.6, 0.7, 0.8, 0.9, 1.5],
  [1.5, 0.9, 1.0, 1.2, 1.3, 1.7, 0.3, 0.3, 0.5, 0.6, 1.1],
  [1.2, 0.7, 0.8, 1.1, 1.1, 1.5, 0.1, 0.1, 0.3, 0.5, 1.0],
  [1.1, 0.5, 0.5, 0.7, 0.8, 1.1, -0.2, -0.2, 0.0, 0.1, 0.6],
  [0.6, 0.1, 0.1, 0.3, 0.5, 0.6, -0.6, -0.5, -0.4, -0.2, 0.2],
  [0.2, -0.3, -0.3, 0.0, 0.2, 0.4, -0.9, -0.9, -0.8, -0.6, -0.2],
  [-0.1, -0.6, -0.6, -0.4, -0.1, 0.1, -1.3, -1.2, -1.1, -0.8, -0.5],
  // 2nd/3rd & 5, 3, 1 at the own 5 are missing from the source; the 7-yard values stand in for them
  [-0.4, -0.9, -0.9, -0.9, -0.9, -0.9, -1.6, -1.5, -1.5, -1.5, -1.5]
]

/** Distances of columns 1..5 (2nd down) and 6..10 (3rd down), descending */
const DISTANCES = [10, 7, 5, 3, 1] as const

const cell = (row: number, column: number): number => TABLE[row]![column]!

/** Linear interpolation over the yard grid for one column, clamped to 10..95. */
const alongField = (yards: number, column: number): number => {
  const y = Math.min(95, Math.max(10, yards))
  const i = Math.min(YARDS.length - 2, Math.floor((y - 10) / 5))
  const t = (y - YARDS[i]!) / 5
  return cell(i, column) * (1 - t) + cell(i + 1, column) * t
}

/** EP on 2nd or 3rd down at the grid's field positions, interpolated or extrapolated in distance. */
const laterDown = (down: 2 | 3, yards: number, toGo: number): number => {
  const first = down === 2 ? 1 : 6
  const at = (k: number) => alongField(yards, first + k)
  const d = Math.max(1, Math.min(25, toGo))
  if (d >= 7) {
    const slope = (at(0) - at(1)) / 3
    return at(1) + slope * (d - 7)
  }
  for (let k = 1; k < DISTANCES.length; k++) {
    const hi = DISTANCES[k - 1]!
    const lo = DISTANCES[k]!
    if (d >= lo) {
      const t = (d - lo) / (hi - lo)
      return at(k) * (1 - t) + at(k - 1) * t
    }
  }
  return at(DISTANCES.length - 1)
}

/** 1st & 10 (or 1st & goal) EP, including the approximation inside the 10. @category expected points */
export const firstDownEp = (yards: number): number => {
  if (yards >= 10) return alongField(yards, 0)
  const y = Math.max(1, yards)
  return 6.0 + ((cell(0, 0) - 6.0) * (y - 1)) / 9
}

const fieldGoalMake = (yards: number): number => {
  const kick = yards + 17
  return 1 / (1 + Math.exp(-(6.26 - 0.1065 * kick)))
}

/** EP of the receiving team after a kickoff (a touchback at its own 25). @category expected points */
export const kickoffEp = (): number => firstDownEp(75)

const fourthDown = (yards: number, toGo: number): number => {
  const make = fieldGoalMake(yards)
  const fieldGoal = yards <= 45 ? make * (3 - kickoffEp()) - (1 - make) * firstDownEp(Math.min(99, 100 - yards - 7)) : -Infinity
  const punt = -firstDownEp(Math.min(85, Math.max(15, 140 - yards)))
  const goForIt = toGo <= 2 && yards >= 30 && yards <= 60
    ? 0.65 * firstDownEp(Math.max(1, yards - toGo)) - 0.35 * firstDownEp(100 - yards)
    : -Infinity
  return Math.max(fieldGoal, punt, goForIt)
}

/**
 * EP for the team with the ball: `yards` to the opponent's end zone (1..99), `down` 1..4 and
 * `toGo` yards for a first down.
 *
 * @category expected points
 */
export const expectedPoints = (yards: number, down: number, toGo: number): number => {
  const y = Math.min(99, Math.max(1, yards))
  if (down <= 1) return firstDownEp(y)
  if (down >= 4) return fourthDown(y, toGo)
  const d = down === 2 ? 2 : 3
  if (y >= 10) return laterDown(d, y, toGo)
  // Goal to go inside the 10: shift the 10-yard value by the 1st-down gain toward the goal line
  return laterDown(d, 10, Math.min(toGo, 10)) + (firstDownEp(y) - firstDownEp(10))
}
