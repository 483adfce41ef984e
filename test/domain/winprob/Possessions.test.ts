import { assert, describe, it } from "@effect/vitest"
import { answer, opening, type Tries, turnOf } from "../../../src/domain/winprob/Possessions.ts"
import { stateOf } from "./States.ts"

const d = { touchdown: 0.4, fieldGoal: 0.3, none: 0.3 }
const withKick: Tries = { kick: 0.9, twoPoint: 0.5, goForIt: 0 }
const twoPointOnly: Tries = { kick: undefined, twoPoint: 0.5, goForIt: 0 }

describe("the answering possession", () => {
  it("must match the margin to go on and beat it to win", () => {
    assert.strictEqual(answer(-1, d, 0.6, withKick), 0)
    assert.closeTo(answer(0, d, 0.6, withKick), 0.3 * 0.6, 1e-15)
    // Up 3: a field goal ties, a touchdown wins
    assert.closeTo(answer(3, d, 0.6, withKick), 0.3 + 0.3 * 0.6, 1e-15)
    assert.strictEqual(answer(9, d, 0.6, withKick), 1)
  })

  it("down seven after its touchdown the answering side takes the try that leaves the first team less", () => {
    // Kick to tie leaves 0.1 + 0.9 · 0.6 = 0.64, two to win 0.5: it goes for two
    assert.closeTo(answer(7, d, 0.6, withKick), 0.6 + 0.4 * 0.5, 1e-15)
    // With no kick there is only the two-point try
    assert.closeTo(answer(7, d, 0.6, twoPointOnly), 0.6 + 0.4 * 0.5, 1e-15)
  })

  it("needing a touchdown, turns part of its field-goal mass into touchdowns", () => {
    const goForIt = { ...withKick, goForIt: 0.5 }
    assert.closeTo(answer(5, d, 0.6, goForIt), 1 - (0.4 + 0.5 * 0.3), 1e-15)
  })
})

describe("the opening possession", () => {
  it("kicks after a touchdown where it may, else goes for two", () => {
    const after = (m: number) => m / 10
    assert.closeTo(opening(0, d, withKick, after), 0.4 * (0.9 * 0.7 + 0.1 * 0.6) + 0.3 * 0.3, 1e-15)
    assert.closeTo(opening(0, d, twoPointOnly, after), 0.4 * (0.5 * 0.8 + 0.5 * 0.6) + 0.3 * 0.3, 1e-15)
  })
})

describe("the turn of a state", () => {
  it("reads the sequence when it is known, else the score and the ball", () => {
    const known = stateOf("nfl", 20, 23, { possession: "home", football: { overtimeFirst: "home", overtimeTurn: "first" } })
    assert.deepStrictEqual(turnOf(known), { first: "home", turn: "first", margin: -3 })
    assert.deepStrictEqual(turnOf(stateOf("nfl", 20, 23, { possession: "home" })), { first: "away", turn: "second", margin: 3 })
    assert.deepStrictEqual(turnOf(stateOf("nfl", 20, 20, { possession: "home" })), { first: "home", turn: "first", margin: 0 })
    assert.strictEqual(turnOf(stateOf("nfl", 20, 20)), undefined)
  })
})
