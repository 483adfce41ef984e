import { assert, describe, it } from "@effect/vitest"
import { Duration, Result, Schema } from "effect"
import { flatten, formatProblem, resolve } from "../../../src/services/config/ConfigLoader.ts"
import { spec } from "../../../src/services/config/ConfigSpec.ts"
import * as S from "../../../src/services/config/Setting.ts"

const millis = (type: S.SettingType<Duration.Duration>, text: string): number | string => {
  const r = S.decodeText(type, text)
  return Result.isSuccess(r) ? Duration.toMillis(r.success) : r.failure
}

describe("durations and bounds", () => {
  it("requires a unit: a bare number is refused, not read as milliseconds", () => {
    assert.strictEqual(millis(S.timeout, "5"), "a duration with a unit from 100ms to 10m, such as 30s, 500ms, 5m or 6h")
    assert.strictEqual(millis(S.timeout, "5s"), 5_000)
    assert.strictEqual(millis(S.timeout, "250 ms"), 250)
    assert.strictEqual(millis(S.interval, "1.5m"), 90_000)
    assert.strictEqual(millis(S.duration, "7 days"), 7 * 86_400_000)
  })

  it("refuses zero intervals, timeouts under 100 ms and values past the maximum", () => {
    assert.isString(millis(S.interval, "0ms"))
    assert.isString(millis(S.interval, "99ms"))
    assert.strictEqual(millis(S.interval, "100ms"), 100)
    assert.isString(millis(S.timeout, "50ms"))
    assert.isString(millis(S.timeout, "11m"))
    assert.isString(millis(S.duration, "0s"))
    assert.isString(millis(S.duration, "31d"))
    assert.strictEqual(millis(S.durationIn(0, 1000), "0ms"), 0)
  })

  it("names the key, its source and the range when a value is out of bounds", () => {
    const r = resolve(spec, { env: { ARBEES_DISCOVERY_INTERVAL: "0ms" }, flags: [] })
    assert.isTrue(Result.isFailure(r))
    if (Result.isFailure(r)) {
      assert.strictEqual(
        formatProblem(r.failure),
        `invalid configuration: discovery.interval (env ARBEES_DISCOVERY_INTERVAL): expected a duration with a unit from 100ms to 1d, such as 30s, 500ms, 5m or 6h, was "0ms"`
      )
    }
  })

  it("every default lies within its own declared range", () => {
    for (const [key, setting] of flatten(spec)) {
      if (setting.defaultValue === undefined) continue
      const text = Schema.encodeSync(setting.type.schema)(setting.defaultValue as never)
      assert.isTrue(Result.isSuccess(S.decodeText(setting.type, text)), `${key}: default ${text} is outside ${setting.type.range}`)
    }
  })

  it("formats a range with the largest whole unit", () => {
    assert.deepStrictEqual([100, 1_500, 30_000, 600_000, 3_600_000, 86_400_000].map(S.formatMillis), ["100ms", "1500ms", "30s", "10m", "1h", "1d"])
  })
})
