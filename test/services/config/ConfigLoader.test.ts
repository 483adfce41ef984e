import { assert, describe, it } from "@effect/vitest"
import { Duration, Redacted, Result } from "effect"
import { envName, formatProblem, resolve } from "../../../src/services/config/ConfigLoader.ts"
import { spec } from "../../../src/services/config/ConfigSpec.ts"
import * as Money from "../../../src/schema/Money.ts"

const ok = <A, E>(r: Result.Result<A, E>): A => {
  if (Result.isFailure(r)) throw new Error(`expected success, was ${JSON.stringify(r.failure)}`)
  return r.success
}
const problem = <A, E>(r: Result.Result<A, E>): E => {
  if (Result.isSuccess(r)) throw new Error("expected a failure")
  return r.failure
}
const entry = (entries: ReadonlyArray<{ key: string }>, key: string) => entries.find((e) => e.key === key) as any

describe("layered configuration", () => {
  it("names environment variables in constant case under ARBEES_", () => {
    assert.strictEqual(envName("risk.kellyFraction"), "ARBEES_RISK_KELLY_FRACTION")
    assert.strictEqual(envName("exits.stopLoss.nba"), "ARBEES_EXITS_STOP_LOSS_NBA")
    assert.strictEqual(envName("telemetry.otlpEndpoint"), "ARBEES_TELEMETRY_OTLP_ENDPOINT")
  })

  it("uses the built-in defaults when nothing is configured", () => {
    const { values, entries } = ok(resolve(spec, { env: {}, flags: [] }))
    assert.strictEqual(values.mode, "paper")
    assert.strictEqual(values.liveTradingAuthorized, false)
    assert.strictEqual(values.risk.kellyFraction, Money.bpsOf("0.25"))
    assert.strictEqual(values.risk.maxDailyLoss, Money.dollars("100"))
    assert.strictEqual(values.exits.stopLoss.nhl, Money.priceOf("0.07"))
    assert.isUndefined(values.database.url)
    assert.strictEqual(Duration.toMillis(values.staleness.book), 30_000)
    assert.deepStrictEqual(entry(entries, "risk.kellyFraction").source, { kind: "default" })
  })

  it("layers defaults < file < env < flags and records where each value came from", () => {
    const { values, entries } = ok(resolve(spec, {
      file: { path: "arbees.yaml", contents: { risk: { kellyFraction: 0.2, maxDailyLoss: 50 }, espn: { timeout: "2s" } } },
      env: { ARBEES_RISK_KELLY_FRACTION: "0.15", DATABASE_URL: "postgres://u:pw@db:5432/arbees" },
      flags: [{ key: "risk.kellyFraction", value: "0.1", flag: "--set risk.kellyFraction" }]
    }))
    assert.strictEqual(values.risk.kellyFraction, Money.bpsOf("0.1"))
    assert.strictEqual(values.risk.maxDailyLoss, Money.dollars("50"))
    assert.strictEqual(Duration.toMillis(values.espn.timeout), 2_000)
    assert.strictEqual(Redacted.value(values.database.url!), "postgres://u:pw@db:5432/arbees")
    assert.deepStrictEqual(entry(entries, "risk.kellyFraction").source, { kind: "flag", name: "--set risk.kellyFraction" })
    assert.deepStrictEqual(entry(entries, "risk.maxDailyLoss").source, { kind: "file", path: "arbees.yaml" })
    assert.deepStrictEqual(entry(entries, "database.url").source, { kind: "env", name: "DATABASE_URL" })
    assert.strictEqual(entry(entries, "database.url").value, "<redacted>")
  })

  it("prefers ARBEES_DATABASE_URL over DATABASE_URL", () => {
    const { entries } = ok(resolve(spec, { env: { ARBEES_DATABASE_URL: "postgres://a/x", DATABASE_URL: "postgres://b/y" }, flags: [] }))
    assert.deepStrictEqual(entry(entries, "database.url").source, { kind: "env", name: "ARBEES_DATABASE_URL" })
  })

  it("fails with one line naming the key, its source and what was expected", () => {
    const p = problem(resolve(spec, { env: { ARBEES_RISK_KELLY_FRACTION: "abc" }, flags: [] }))
    assert.strictEqual(
      formatProblem(p),
      `invalid configuration: risk.kellyFraction (env ARBEES_RISK_KELLY_FRACTION): expected a ratio from 0 to 1 with at most 4 decimals, such as 0.25, was "abc"`
    )
    const fromFile = problem(resolve(spec, { file: { path: "c.json", contents: { espn: { timeout: "soon" } } }, env: {}, flags: [] }))
    assert.strictEqual(formatProblem(fromFile), `invalid configuration: espn.timeout (file c.json): expected a duration with a unit from 100ms to 10m, such as 30s, 500ms, 5m or 6h, was "soon"`)
  })

  it("rejects values out of range and inexact money", () => {
    assert.strictEqual(problem(resolve(spec, { env: { ARBEES_RISK_KELLY_FRACTION: "1.5" }, flags: [] })).key, "risk.kellyFraction")
    assert.strictEqual(problem(resolve(spec, { env: { ARBEES_RISK_MAX_DAILY_LOSS: "10.0000001" }, flags: [] })).key, "risk.maxDailyLoss")
    assert.strictEqual(problem(resolve(spec, { env: { ARBEES_RISK_MAX_DAILY_LOSS: "-5" }, flags: [] })).key, "risk.maxDailyLoss")
    assert.strictEqual(problem(resolve(spec, { env: { ARBEES_ADMIN_PORT: "70000" }, flags: [] })).key, "admin.port")
    assert.strictEqual(problem(resolve(spec, { env: { ARBEES_MODE: "yolo" }, flags: [] })).key, "mode")
    assert.strictEqual(problem(resolve(spec, { env: { ARBEES_ESPN_BASE_URL: "ftp://x" }, flags: [] })).key, "espn.baseUrl")
  })

  it("never echoes a secret, even a malformed one", () => {
    const p = problem(resolve(spec, { env: {}, flags: [{ key: "kalshi.privateKey", value: "", flag: "--set kalshi.privateKey" }] }))
    assert.notInclude(formatProblem(p), "was")
    const { entries } = ok(resolve(spec, { env: { ARBEES_KALSHI_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----abc" }, flags: [] }))
    const shown = JSON.stringify(entries)
    assert.notInclude(shown, "BEGIN PRIVATE KEY")
    assert.strictEqual(entry(entries, "kalshi.privateKey").value, "<redacted>")
  })

  it("treats unknown keys in every layer as errors, not silent typos", () => {
    assert.strictEqual(problem(resolve(spec, { env: { ARBEES_RISK_KELY_FRACTION: "0.1" }, flags: [] })).message, "unknown configuration variable")
    assert.strictEqual(problem(resolve(spec, { file: { path: "f.yaml", contents: { risk: { kelly: 0.1 } } }, env: {}, flags: [] })).key, "risk.kelly")
    assert.strictEqual(problem(resolve(spec, { env: {}, flags: [{ key: "nope", value: "1", flag: "--set nope" }] })).key, "nope")
    // ARBEES_CONFIG names the file itself and is not a key
    ok(resolve(spec, { env: { ARBEES_CONFIG: "x.yaml" }, flags: [] }))
  })

  it("accepts the scalar forms a YAML or JSON file produces", () => {
    const { values } = ok(resolve(spec, {
      file: {
        path: "f.yaml",
        contents: { signals: { tradeInOvertime: true }, discovery: { leagues: ["nba", "nhl"] }, database: { poolSize: 4 }, risk: { maxBuyPrice: 0.9 } }
      },
      env: {},
      flags: []
    }))
    assert.isTrue(values.signals.tradeInOvertime)
    assert.deepStrictEqual(values.discovery.leagues, ["nba", "nhl"])
    assert.strictEqual(values.database.poolSize, 4)
    assert.strictEqual(values.risk.maxBuyPrice, Money.priceOf("0.9"))
  })

  it("rejects a list containing an unknown league", () => {
    assert.strictEqual(problem(resolve(spec, { env: { ARBEES_DISCOVERY_LEAGUES: "nba,xfl" }, flags: [] })).key, "discovery.leagues")
  })
})
