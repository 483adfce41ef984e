/**
 * College overtime and unknown time, on plays transcribed from a real game: ESPN event 401110783,
 * BYU at Tennessee, 2019-09-07 (Tennessee at home, Caesars TENN −3.5, ML −165/+145; BYU won 29–26
 * in the second overtime). ESPN stamps every overtime play `0:00`.
 */
import { assert, describe, it } from "@effect/vitest"
import type { FootballContext, GameState, Side } from "../../../src/schema/GameState.ts"
import { collegeOvertime, drive, freshCollegeOvertime, rulesFor } from "../../../src/domain/winprob/CollegeOvertime.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { priorFromOdds } from "../../../src/domain/winprob/prior/Priors.ts"
import { enrich } from "../../../src/domain/winprob/Sequence.ts"
import type { SequenceCarry } from "../../../src/domain/winprob/Sequence.ts"
import { estimate, estimateNext, winProbability } from "../../../src/domain/winprob/WinProb.ts"
import { stateOf } from "./States.ts"

const KICKOFF_2019 = Date.UTC(2019, 8, 7, 23, 0)
const line = priorFromOdds("ncaaf", { provider: "Caesars", homeSpread: -3.5, homeMoneyline: -165, awayMoneyline: 145 })
const even = priorOf("market", { home: 0.5, away: 0.5 }, "even")

/** A state of the BYU–Tennessee game: `end` of the play as ESPN gives it, clock `0:00`. */
const play = (period: number, tenn: number, byu: number, ball: Side | undefined, football: FootballContext = {}): GameState =>
  stateOf("ncaaf", tenn, byu, {
    startTime: KICKOFF_2019,
    period,
    overtime: period > 4,
    secondsRemaining: 0,
    periodSecondsRemaining: 0,
    ...(ball === undefined ? {} : { possession: ball }),
    ...(Object.keys(football).length === 0 ? {} : { football })
  })

/** The overtime plays of event 401110783 in order (period, TENN, BYU, team with the ball after the play, down, distance, yards to go). */
const overtime: ReadonlyArray<GameState> = [
  play(5, 16, 16, "away", { down: 2, distance: 9, yardsToEndzone: 24 }),
  play(5, 16, 16, "away", { down: 1, distance: 10, yardsToEndzone: 14 }),
  play(5, 16, 23, "away"), // BYU touchdown and kick
  play(5, 16, 23, "home", { down: 2, distance: 10, yardsToEndzone: 25 }),
  play(5, 16, 23, "home", { down: 3, distance: 11, yardsToEndzone: 26 }),
  play(5, 16, 23, "home", { down: 1, distance: 10, yardsToEndzone: 13 }),
  play(5, 23, 23, "home"), // Tennessee touchdown and kick
  play(6, 23, 23, "home", { down: 2, distance: 9, yardsToEndzone: 24 }),
  play(6, 23, 23, "home", { down: 4, distance: 8, yardsToEndzone: 23 }),
  play(6, 26, 23, "home"), // Tennessee field goal
  play(6, 26, 23, "away", { down: 1, distance: 10, yardsToEndzone: 12 }), // ESPN 0.201
  play(6, 26, 23, "away", { down: 2, distance: 3, yardsToEndzone: 5 }) // ESPN 0.251
]

describe("college overtime", () => {
  it("BYU 1st & 10 at the Tennessee 12, Tennessee up 26–23 in the second overtime: far from certain, near ESPN's 0.201", () => {
    const p = winProbability(overtime[10]!, line).home
    assert.isBelow(p, 0.35)
    assert.isAbove(p, 0.1)
    assert.closeTo(p, 0.201, 0.06)
    // The same with the turn known from the sequence
    const enriched = enrich(overtime)[10]!
    assert.strictEqual(enriched.football?.overtimeFirst, "home")
    assert.strictEqual(enriched.football?.overtimeTurn, "second")
    assert.closeTo(winProbability(enriched, line).home, p, 1e-12)
  })

  it("reads the turns of each period from the sequence", () => {
    const turns = enrich(overtime).map((s) => `${s.football?.overtimeFirst}:${s.football?.overtimeTurn}`)
    assert.deepStrictEqual(turns, [
      "away:first",
      "away:first",
      "away:second",
      "away:second",
      "away:second",
      "away:second",
      "away:done",
      "home:first",
      "home:first",
      "home:second",
      "home:second",
      "home:second"
    ])
  })

  it("never says 0 or 1 before the final whistle, and follows the game", () => {
    const ps = enrich(overtime).map((s) => winProbability(s, line).home)
    for (const p of ps) {
      assert.isAbove(p, 0)
      assert.isBelow(p, 1)
    }
    // After BYU's touchdown in the first overtime Tennessee is the underdog, level again after its own
    assert.isBelow(ps[2]!, 0.35)
    assert.closeTo(ps[6]!, 0.5, 0.12)
    // BYU at the 5 needing a touchdown to win, a field goal to tie: Tennessee's chance falls
    assert.isBelow(ps[11]!, ps[10]!)
  })

  it("is symmetric and near even for a fresh overtime with no edge", () => {
    assert.closeTo(freshCollegeOvertime(even, KICKOFF_2019), 0.5, 1e-9)
    assert.isAbove(freshCollegeOvertime(line, KICKOFF_2019), 0.5)
  })

  it("applies each era's two-point rules", () => {
    assert.deepStrictEqual(rulesFor(KICKOFF_2019), { twoPointFrom: 3, shootoutFrom: 5 })
    assert.deepStrictEqual(rulesFor(Date.UTC(2022, 8, 3)), { twoPointFrom: 2, shootoutFrom: 3 })
    // A 2022 third overtime is the two-point shootout: the first attempt leaves it even
    const shootout = { ...play(7, 30, 30, "home", { down: 1, distance: 3, yardsToEndzone: 3 }), startTime: Date.UTC(2022, 8, 3) }
    assert.closeTo(collegeOvertime(shootout, even), 0.5, 1e-9)
    // Home made its attempt and away is up: away must convert (0.45) to force another round
    const second = { ...shootout, home: { ...shootout.home, score: 32 }, possession: "away" as const, football: { down: 1, distance: 3, yardsToEndzone: 3, overtimeFirst: "home" as const, overtimeTurn: "second" as const } }
    assert.closeTo(collegeOvertime(second, even), 0.55 + 0.45 * 0.5, 1e-9)
  })

  it("scores more from closer and on earlier downs", () => {
    assert.isAbove(drive(12, 1, 10, 0).touchdown, drive(25, 1, 10, 0).touchdown)
    assert.isAbove(drive(25, 1, 10, 0).touchdown, drive(25, 3, 10, 0).touchdown)
    const fresh = drive(25, 1, 10, 0)
    assert.closeTo(fresh.touchdown, 0.47, 0.01)
    assert.closeTo(fresh.touchdown + fresh.fieldGoal + fresh.none, 1, 1e-12)
  })
})

describe("unknown time", () => {
  // Fourth quarter, home up 3, away ball 1st & 10 at its own 25, feed shows 0:00 on a play in progress
  const zeroed = stateOf("ncaaf", 24, 21, { period: 4, secondsRemaining: 0, periodSecondsRemaining: 0, possession: "away", football: { down: 1, distance: 10, yardsToEndzone: 75 } })

  it("a 0:00 on a play in progress is not time expired", () => {
    const p = winProbability(zeroed, even).home
    assert.isBelow(p, 1)
    assert.isAbove(p, 0.9)
  })

  it("estimates the time from the last clock the period showed", () => {
    const before = { ...zeroed, secondsRemaining: 392, periodSecondsRemaining: 392 }
    const [, first, second] = enrich([before, zeroed, zeroed])
    assert.strictEqual(first!.clockEstimated, true)
    assert.strictEqual(first!.periodSecondsRemaining, 392 - 25)
    assert.strictEqual(second!.periodSecondsRemaining, 392 - 50)
    assert.strictEqual(second!.secondsRemaining, 392 - 50)
    // With about six minutes left the trailing side is very much alive
    assert.isBelow(winProbability(second!, even).home, 0.85)
  })

  it("keeps a real end of period as it is", () => {
    const end = { ...zeroed, status: "end_period" as const }
    assert.deepStrictEqual(enrich([end])[0], end)
  })

  it("live, one state at a time, the model reads the sequence exactly as the evaluation does", () => {
    let carry: SequenceCarry = {}
    const live = overtime.map((s) => {
      const next = estimateNext(carry, s, line, 0.01)
      carry = next.carry
      return next.estimate.probability.home
    })
    assert.deepStrictEqual(live, enrich(overtime).map((s) => estimate(s, line, 0.01).probability.home))
    // BYU 1st & 10 at the 12, down 3 in the second overtime: far from Tennessee's certain win
    assert.isBelow(live[10]!, 0.5)
  })

  it("live, a zeroed clock after 6:32 was shown is about six minutes left, not time expired", () => {
    const before = { ...zeroed, secondsRemaining: 392, periodSecondsRemaining: 392 }
    let carry: SequenceCarry = {}
    const homes = [before, zeroed, zeroed].map((s) => {
      const next = estimateNext(carry, s, even, 0.01)
      carry = next.carry
      return next
    })
    assert.strictEqual(homes[2]!.state.clockEstimated, true)
    assert.isBelow(homes[2]!.estimate.probability.home, 0.85)
    // the state alone reads as nearly over
    assert.isAbove(estimate(zeroed, even, 0.01).probability.home, 0.9)
  })

  it("is certain only once the game is final", () => {
    const final = { ...zeroed, status: "final" as const, result: { winner: "home" as const, homeScore: 24, awayScore: 21 } }
    assert.strictEqual(winProbability(final, even).home, 1)
    const kneel = stateOf("ncaaf", 24, 21, { period: 4, secondsRemaining: 20, periodSecondsRemaining: 20, possession: "home", football: { down: 1, distance: 10, yardsToEndzone: 60, homeTimeouts: 0, awayTimeouts: 0 } })
    const p = winProbability(kneel, even).home
    assert.isBelow(p, 1)
    assert.isAbove(p, 0.99)
  })
})
