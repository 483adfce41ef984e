import { assert, describe, it } from "@effect/vitest"
import { fightProgress, mma } from "../../../src/domain/winprob/Mma.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { mirror, mirrorPrior, stateOf } from "./States.ts"

const favoured = priorOf("moneyline", { home: 0.75, away: 0.25 }, "test")
const fight = (round: number, periodSecondsRemaining: number) => stateOf("mma", 0, 0, { period: round, periodSecondsRemaining, mma: { round, scheduledRounds: 3 } })

describe("mma", () => {
  it("is the prior before the first bell", () => {
    assert.closeTo(mma(stateOf("mma", 0, 0, { period: 0, status: "scheduled" }), favoured).home, 0.75, 1e-12)
    assert.strictEqual(fightProgress(fight(1, 300)), 0)
  })

  it("decays toward even as the scheduled time runs out, by 20% of the log-odds at the end", () => {
    assert.closeTo(fightProgress(fight(2, 150)), 0.5, 1e-12)
    const late = mma(fight(3, 0), favoured).home
    const logit = Math.log(0.75 / 0.25) * 0.8
    assert.closeTo(late, 1 / (1 + Math.exp(-logit)), 1e-12)
    assert.isBelow(mma(fight(3, 100), favoured).home, mma(fight(2, 100), favoured).home)
  })

  it("is symmetric", () => {
    const s = fight(2, 40)
    assert.closeTo(mma(s, favoured).home, mma(mirror(s), mirrorPrior(favoured)).away, 1e-12)
  })
})
