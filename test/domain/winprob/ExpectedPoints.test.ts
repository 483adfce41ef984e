import { assert, describe, it } from "@effect/vitest"
import { expectedPoints, firstDownEp, kickoffEp } from "../../../src/domain/winprob/ExpectedPoints.ts"

describe("expectedPoints", () => {
  it("returns the nflfastR 2.1.0 table values on the grid", () => {
    assert.closeTo(firstDownEp(75), 1.1, 1e-12)
    assert.closeTo(firstDownEp(50), 2.5, 1e-12)
    assert.closeTo(expectedPoints(50, 3, 10), 1.3, 1e-12)
    assert.closeTo(expectedPoints(20, 2, 5), 4.3, 1e-12)
    assert.closeTo(expectedPoints(90, 3, 1), -0.5, 1e-12)
    assert.closeTo(kickoffEp(), 1.1, 1e-12)
  })

  it("interpolates between grid points", () => {
    assert.closeTo(firstDownEp(52.5), (2.5 + 2.2) / 2, 1e-12)
    assert.closeTo(expectedPoints(40, 2, 6), (2.8 + 2.9) / 2, 1e-12)
  })

  it("rises toward the end zone and falls with down and distance", () => {
    for (let y = 98; y > 1; y--) assert.isAtLeast(firstDownEp(y), firstDownEp(y + 1))
    assert.isAbove(expectedPoints(40, 1, 10), expectedPoints(40, 2, 10))
    assert.isAbove(expectedPoints(40, 2, 10), expectedPoints(40, 3, 10))
    assert.isAbove(expectedPoints(40, 3, 2), expectedPoints(40, 3, 15))
    assert.isAtLeast(firstDownEp(1), 5.9)
  })

  it("values fourth down by the best of field goal, punt and going for it", () => {
    // 4th & 5 at the opponent's 10: a field goal, worth less than 3rd & 5 there
    const fg = expectedPoints(10, 4, 5)
    assert.isAbove(fg, 1)
    assert.isBelow(fg, expectedPoints(10, 3, 5))
    // 4th & 10 at the own 20: a punt, negative
    assert.isBelow(expectedPoints(80, 4, 10), 0)
  })
})
