import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { checkState, checkTransition, plainCount, plausibleDate } from "../../../src/domain/game/Plausibility.ts"
import type { GameState } from "../../../src/schema/GameState.ts"
import type { TeamId } from "../../../src/schema/Ids.ts"
import { PlausibilityGate } from "../../../src/services/espn/PlausibilityGate.ts"
import { stateOf } from "../winprob/States.ts"

const START = Date.parse("2026-10-21T23:30Z")
const nba = (period: number, periodLeft: number, home: number, away: number, status: GameState["status"] = "in_progress") =>
  stateOf("nba", home, away, { startTime: START, period, periodSecondsRemaining: periodLeft, secondsRemaining: (4 - period) * 720 + periodLeft, status, detail: `${periodLeft}s - Q${period}` })
const check = (last: GameState, next: GameState) => checkTransition(last, next)?.check

describe("plausibility: wire values", () => {
  it("counts are plain decimal integers: 0x10, 1e2, 7.0, ' 7', -1 are not counts", () => {
    assert.deepStrictEqual(["0", "7", "112", 7, 0].map(plainCount), [0, 7, 112, 7, 0])
    for (const bad of ["0x10", "1e2", "7.0", " 7", "7 ", "-1", "", "+3", "007x", -1, 1.5, Number.NaN, Infinity, 2 ** 60, null, true]) {
      assert.isUndefined(plainCount(bad), JSON.stringify(bad))
    }
  })

  it("dates are ISO 8601 between 2000 and 2100: '1' is not 2001-01-01", () => {
    assert.strictEqual(plausibleDate("2024-12-15T18:00Z"), Date.parse("2024-12-15T18:00Z"))
    assert.strictEqual(plausibleDate("2025-06-01"), Date.parse("2025-06-01"))
    assert.isDefined(plausibleDate("2024-12-15T18:00:00+01:00"))
    for (const bad of ["1", "2001", "12/15/2024", "1999-12-31T23:00Z", "2101-01-01T00:00Z", "2024-12-15T18:00", "2024-13-45T18:00Z", "", null, undefined]) {
      assert.isUndefined(plausibleDate(bad), String(bad))
    }
  })
})

describe("plausibility: one state", () => {
  it("accepts an ordinary state", () => assert.isUndefined(checkState(nba(2, 300, 55, 50))))

  it("a game whose home team is its away team is implausible", () => {
    const s = nba(1, 600, 0, 0)
    assert.strictEqual(checkState({ ...s, away: { ...s.away, teamId: s.home.teamId as TeamId } })?.check, "SameSides")
  })

  it("scores, periods and start times beyond what the sport allows", () => {
    assert.strictEqual(checkState(nba(2, 300, 401, 50))?.check, "ScoreOutOfRange")
    assert.strictEqual(checkState(stateOf("nhl", 51, 0, { startTime: START }))?.check, "ScoreOutOfRange")
    assert.strictEqual(checkState(nba(17, 300, 150, 150))?.check, "PeriodOutOfRange")
    assert.strictEqual(checkState({ ...nba(1, 600, 0, 0), startTime: Date.parse("1999-01-01T00:00Z") })?.check, "StartTimeImplausible")
  })
})

describe("plausibility: two states of one game", () => {
  it("forward moves, score corrections of one play and old responses pass", () => {
    assert.isUndefined(checkTransition(nba(2, 300, 55, 50), nba(2, 280, 57, 50)))
    assert.isUndefined(checkTransition(nba(2, 300, 55, 50), nba(3, 700, 60, 52)))
    assert.isUndefined(checkTransition(nba(2, 300, 55, 50), nba(2, 290, 52, 50)), "a three overturned")
    assert.isUndefined(checkTransition(nba(3, 300, 70, 66), nba(2, 100, 60, 58)), "an old response: the actor's stale check")
    assert.isUndefined(checkTransition(nba(4, 0, 100, 98, "final"), nba(4, 5, 100, 98)), "an old live response after final")
    assert.isUndefined(checkTransition(stateOf("nba", 0, 0, { startTime: START, status: "postponed", period: 0 }), nba(1, 600, 2, 0)), "a postponed game played after all")
  })

  it("a period going backwards with a higher score is implausible", () => {
    assert.strictEqual(check(nba(3, 300, 70, 66), nba(2, 300, 72, 66)), "PeriodRegressed")
  })

  it("the clock running backwards within a period with a higher score is implausible; a second of rounding is not", () => {
    assert.strictEqual(check(nba(3, 300, 70, 66), nba(3, 400, 70, 68)), "ClockRegressed")
    assert.isUndefined(checkTransition(nba(3, 300, 70, 66), nba(3, 300.5, 72, 66)))
  })

  it("scores going backwards by more than one play are implausible", () => {
    assert.strictEqual(check(nba(3, 300, 70, 66), nba(3, 280, 60, 66)), "ScoreRegressed")
    assert.strictEqual(check(stateOf("nhl", 3, 1, { startTime: START, period: 2 }), stateOf("nhl", 1, 1, { startTime: START, period: 3 })), "ScoreRegressed")
  })

  it("a final game cannot come back live with more points", () => {
    assert.strictEqual(check(nba(4, 0, 100, 98, "final"), nba(4, 5, 102, 98)), "StatusRegressed")
  })

  it("baseball and soccer clocks", () => {
    const mlb = (half: "top" | "bottom", outs: number, home: number) =>
      stateOf("mlb", home, 0, { startTime: START, period: 5, baseball: { inning: 5, half, outs, onFirst: false, onSecond: false, onThird: false } })
    assert.strictEqual(check(mlb("bottom", 1, 2), mlb("top", 2, 3)), "ClockRegressed")
    assert.isUndefined(checkTransition(mlb("top", 2, 2), mlb("bottom", 0, 2)))
    const epl = (minute: number, home: number) => stateOf("soccer", home, 0, { startTime: START, period: 2, soccer: { minute, stoppageMinutes: 0 } })
    assert.strictEqual(check(epl(70, 1), epl(60, 2)), "ClockRegressed")
  })

  it("property: any forward timeline where scores only grow is plausible at every step", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { maxLength: 60 }), (steps) => {
      let s = nba(1, 720, 0, 0)
      for (const [tick, h, a] of steps) {
        const left = s.periodSecondsRemaining! - tick
        const next = left >= 0 ? nba(s.period, left, s.home.score + h, s.away.score + a) : nba(Math.min(s.period + 1, 4), 720, s.home.score + h, s.away.score + a)
        assert.isUndefined(checkTransition(s, next))
        s = next
      }
    }))
  })
})

describe("the gate holds a contradicting state back until ESPN stands by it", () => {
  it("held, held, then the new baseline; old responses pass without moving the baseline back", () => {
    const gate = new PlausibilityGate(3)
    assert.strictEqual(gate.admit(nba(3, 300, 70, 66))._tag, "Accepted")
    assert.strictEqual(gate.admit(nba(2, 100, 60, 58))._tag, "Accepted") // old: the actor drops it
    assert.strictEqual(gate.admit(nba(3, 290, 71, 66))._tag, "Accepted") // still compared with 3/300, not 2/100
    const regress = nba(2, 300, 80, 66)
    assert.deepStrictEqual([gate.admit(regress), gate.admit(regress)].map((v) => v._tag), ["Held", "Held"])
    assert.strictEqual(gate.admit(regress)._tag, "Rebased")
    assert.strictEqual(gate.admit(nba(2, 290, 82, 66))._tag, "Accepted")
  })

  it("an accepted state in between resets the count", () => {
    const gate = new PlausibilityGate(2)
    gate.admit(nba(3, 300, 70, 66))
    assert.strictEqual(gate.admit(nba(2, 300, 80, 66))._tag, "Held")
    assert.strictEqual(gate.admit(nba(3, 280, 72, 66))._tag, "Accepted")
    assert.strictEqual(gate.admit(nba(2, 300, 80, 66))._tag, "Held")
  })
})
