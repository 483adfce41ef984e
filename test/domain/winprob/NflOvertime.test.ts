import { assert, describe, it } from "@effect/vitest"
import { football } from "../../../src/domain/winprob/Football.ts"
import { bothPossess, freshNflOvertime, nflDrive, nflOvertime } from "../../../src/domain/winprob/NflOvertime.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { enrich } from "../../../src/domain/winprob/Sequence.ts"
import type { FootballContext, GameState } from "../../../src/schema/GameState.ts"
import { mirror, stateOf } from "./States.ts"

const even = priorOf("market", { home: 0.5, away: 0.5 }, "even")
const REGULAR_2020 = Date.UTC(2020, 9, 4)
const REGULAR_2025 = Date.UTC(2025, 9, 5)
const PLAYOFF_2022 = Date.UTC(2022, 0, 23)
const PLAYOFF_2024 = Date.UTC(2024, 0, 21)

/** An NFL overtime state: home and away scores, the clock of the period, who has the ball where. */
const ot = (home: number, away: number, o: Partial<GameState> & { football?: FootballContext } = {}): GameState =>
  stateOf("nfl", home, away, { period: 5, overtime: true, secondsRemaining: 0, periodSecondsRemaining: 600, ...o })

const ownThirty = { down: 1, distance: 10, yardsToEndzone: 70 } as const

// Hand calculation with the fresh drive at the own 30 (TD 0.24, FG 0.18, none 0.58), even teams and
// sudden death without a clock: P(the team with the ball wins) = s / (1 − (1 − s)²), s = 0.42
const s = 0.42
const sudden = s / (1 - (1 - s) ** 2)

describe("NFL overtime rules by date", () => {
  it("has both teams possess in the playoffs from the 2022 postseason and in the regular season from 2025", () => {
    assert.isFalse(bothPossess(PLAYOFF_2022, true))
    assert.isTrue(bothPossess(PLAYOFF_2024, true))
    assert.isFalse(bothPossess(Date.UTC(2024, 11, 1), false))
    assert.isTrue(bothPossess(REGULAR_2025, false))
  })
})

describe("NFL overtime, possession by possession", () => {
  it("a fresh possession at the own 30 scores a touchdown 24% and a field goal 18% of the time", () => {
    const d = nflDrive(70, 1, 10, 0)
    assert.closeTo(d.touchdown, 0.24, 1e-12)
    assert.closeTo(d.fieldGoal, 0.18, 1e-12)
    // Fourth and long at midfield scores far less than first and ten
    assert.isBelow(nflDrive(50, 4, 10, 0).touchdown, nflDrive(50, 1, 10, 0).touchdown / 2)
  })

  it("modified sudden death (2021 playoffs): the receiver wins by an opening touchdown, or after a field goal, or in sudden death", () => {
    const p = nflOvertime(ot(20, 20, { startTime: PLAYOFF_2022, postseason: true, periodSecondsRemaining: 900, possession: "home", football: ownThirty }), even)
    const afterFieldGoal = 0.58 + 0.18 * sudden
    assert.closeTo(p, 0.24 + 0.18 * afterFieldGoal + 0.58 * (1 - sudden), 1e-9)
    assert.closeTo(p, 0.5778, 1e-4)
  })

  it("both teams possess (2023 playoffs): an opening touchdown leaves the other side a possession, and it goes for two down seven", () => {
    const p = nflOvertime(ot(20, 20, { startTime: PLAYOFF_2024, postseason: true, periodSecondsRemaining: 900, possession: "home", football: ownThirty }), even)
    const needTouchdown = 0.24 + 0.3 * 0.18
    // Down 7 after scoring: kicking to tie is worth 0.95·sudden + 0.05 to the first team, going for two 0.52; the second team picks the lower
    const downSeven = (1 - needTouchdown) + needTouchdown * Math.min(0.95 * sudden + 0.05, 1 - 0.48)
    const downSix = (1 - needTouchdown) + needTouchdown * 0.05 * sudden
    const expected = 0.24 * (0.95 * downSeven + 0.05 * downSix) + 0.18 * (0.58 + 0.18 * sudden) + 0.58 * (0.58 * sudden)
    assert.closeTo(p, expected, 1e-9)
    // The opening touchdown no longer wins outright: receiving is worth less than under the old rules
    const old = nflOvertime(ot(20, 20, { startTime: PLAYOFF_2022, postseason: true, periodSecondsRemaining: 900, possession: "home", football: ownThirty }), even)
    assert.isBelow(p, old)
  })

  it("is symmetric: the same overtime with the sides swapped is the complement", () => {
    const states = [
      ot(20, 20, { startTime: REGULAR_2025, possession: "home", football: ownThirty }),
      ot(23, 20, { startTime: REGULAR_2025, periodSecondsRemaining: 200, possession: "away", football: { down: 2, distance: 6, yardsToEndzone: 41 } }),
      ot(27, 20, { startTime: REGULAR_2020, periodSecondsRemaining: 420, possession: "away", football: ownThirty }),
      ot(20, 20, { startTime: PLAYOFF_2024, postseason: true, periodSecondsRemaining: 500, possession: "away", football: { down: 3, distance: 2, yardsToEndzone: 33, overtimeFirst: "home", overtimeTurn: "done" } })
    ]
    for (const st of states) assert.closeTo(nflOvertime(mirror(st), even) + nflOvertime(st, even), 1, 1e-9)
  })

  it("regular season (2025): a leader on defence gains as the last minutes run out, and a level game running out is a tie split evenly", () => {
    const leading = (secs: number) =>
      nflOvertime(ot(23, 20, { startTime: REGULAR_2025, periodSecondsRemaining: secs, possession: "away", football: ownThirty }), even)
    let previous = 0
    // Earlier, more time is not bad for the leader (a tying field goal sends it to sudden death,
    // receiving); once less than a possession is left, every second run off helps it
    for (const secs of [80, 60, 40, 20, 10]) {
      const p = leading(secs)
      assert.isAbove(p, previous, `${secs} s left`)
      previous = p
    }
    assert.isAbove(leading(10), 0.85)
    // Level at the very end: neither side can do much, a tie is near certain and worth ½
    const level = nflOvertime(ot(20, 20, { startTime: REGULAR_2025, periodSecondsRemaining: 2, possession: "home", football: { down: 1, distance: 10, yardsToEndzone: 80, overtimeFirst: "away", overtimeTurn: "done" } }), even)
    assert.closeTo(level, 0.5, 0.01)
  })

  it("the playoffs have no clock limit: the same state is worth the same with 14 minutes or 1 minute left", () => {
    const at = (secs: number) =>
      nflOvertime(ot(20, 20, { startTime: PLAYOFF_2024, postseason: true, periodSecondsRemaining: secs, possession: "home", football: { ...ownThirty, overtimeFirst: "away", overtimeTurn: "done" } }), even)
    assert.closeTo(at(840), at(60), 1e-12)
    assert.closeTo(at(60), sudden, 1e-9)
  })

  it("the stronger side is favoured in a level overtime, and a fresh overtime is even for even sides", () => {
    assert.closeTo(freshNflOvertime(even, REGULAR_2025, false), 0.5, 1e-12)
    const fav = priorOf("market", { home: 0.75, away: 0.25 }, "home favoured")
    assert.isAbove(freshNflOvertime(fav, REGULAR_2025, false), 0.55)
  })

  it("is what the football model returns in overtime", () => {
    const st = ot(23, 20, { startTime: REGULAR_2025, periodSecondsRemaining: 300, possession: "away", football: ownThirty })
    assert.closeTo(football(st, even).home, nflOvertime(st, even), 1e-12)
  })
})

describe("NFL overtime through the play sequence", () => {
  it("keeps the opening possession across playoff periods and reads the answer and sudden death", () => {
    const base = { startTime: PLAYOFF_2024, postseason: true }
    const states = enrich([
      ot(20, 20, { ...base, periodSecondsRemaining: 900, possession: "home", football: ownThirty }),
      ot(23, 20, { ...base, periodSecondsRemaining: 500 }),
      ot(23, 20, { ...base, periodSecondsRemaining: 480, possession: "away", football: ownThirty }),
      ot(23, 23, { ...base, periodSecondsRemaining: 30 }),
      ot(23, 23, { ...base, period: 6, periodSecondsRemaining: 880, possession: "home", football: ownThirty })
    ])
    assert.deepStrictEqual(states.map((s) => s.football?.overtimeFirst), ["home", "home", "home", "home", "home"])
    assert.deepStrictEqual(states.map((s) => s.football?.overtimeTurn), ["first", "second", "second", "done", "done"])
    // Sudden death in the second period with home receiving: its fresh-possession value
    assert.closeTo(nflOvertime(states[4]!, even), sudden, 1e-9)
  })
})
