import { assert, describe, it, layer } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import * as Cli from "../../support/Cli.ts"
import { runCli, runCliPromise } from "../../support/CliInProcess.ts"
import { createDatabase } from "../../support/TestDatabase.ts"

// In-process: these tests are about what the commands do, not about the process
const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => runCli(args, env)

/** Starting `run` as a process on a loaded 2-core machine: PGlite, migrations and the cluster. */
const RUN_START_MILLIS = 100_000
const RUN_TEST = { timeout: 2 * RUN_START_MILLIS + 30_000 }

const lines = (text: string) => text.split("\n").filter((l) => l.trim().length > 0)

const tableCount = (url: string) =>
  Effect.scoped(
    Effect.flatMap(PgClient.make({ url: Redacted.make(url), maxConnections: 1 }), (sql) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)
  ).pipe(Effect.map((rows) => rows[0]!.n), Effect.provide(Reactivity.layer))

describe("arbees CLI", () => {
  it.live("prints help at every level", () =>
    Effect.gen(function*() {
      for (const args of [["--help"], ["run", "--help"], ["migrate", "--help"], ["config", "--help"]]) {
        const result = yield* run(args)
        assert.strictEqual(result.code, 0, args.join(" "))
        assert.include(result.stdout, "USAGE", args.join(" "))
      }
    }))

  it.live("config shows every value's source and never prints a secret", () =>
    Effect.gen(function*() {
      const secret = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
      const table = yield* run(["config"], { ARBEES_KALSHI_PRIVATE_KEY: secret, ARBEES_RISK_KELLY_FRACTION: "0.2" })
      assert.strictEqual(table.code, 0)
      assert.notInclude(table.stdout + table.stderr, "MIIEvQ")
      assert.match(table.stdout, /kalshi\.privateKey\s+<redacted>\s+env ARBEES_KALSHI_PRIVATE_KEY/)
      assert.match(table.stdout, /risk\.kellyFraction\s+0\.2\s+env ARBEES_RISK_KELLY_FRACTION/)
      const json = yield* run(["config", "--json", "--set", "risk.maxDailyLoss=25"], { ARBEES_KALSHI_PRIVATE_KEY: secret })
      assert.notInclude(json.stdout + json.stderr, "MIIEvQ")
      const entries = lines(json.stdout).map((l) => JSON.parse(l) as { key: string; value: unknown; source: string })
      assert.deepInclude(entries, { key: "risk.maxDailyLoss", value: "25.00", source: "flag --set risk.maxDailyLoss", secret: false } as never)
      assert.deepInclude(entries, { key: "mode", value: "paper", source: "default", secret: false } as never)
    }))

  it.live("reads a YAML config file below the environment", () =>
    Effect.gen(function*() {
      const dir = Cli.tempDir()
      writeFileSync(join(dir, "arbees.yaml"), "risk:\n  kellyFraction: 0.1\n  maxGameExposure: 20\n")
      const result = yield* run(["--config", join(dir, "arbees.yaml"), "config", "--json"], { ARBEES_RISK_MAX_GAME_EXPOSURE: "30" })
      const entries = lines(result.stdout).map((l) => JSON.parse(l) as { key: string; value: unknown; source: string })
      assert.deepInclude(entries, { key: "risk.kellyFraction", value: "0.1", source: `file ${join(dir, "arbees.yaml")}`, secret: false } as never)
      assert.deepInclude(entries, { key: "risk.maxGameExposure", value: "30.00", source: "env ARBEES_RISK_MAX_GAME_EXPOSURE", secret: false } as never)
    }))

  it.live("a bad value fails fast with one line naming the key, its source and what was expected", () =>
    Effect.gen(function*() {
      const result = yield* run(["run"], { ARBEES_RISK_KELLY_FRACTION: "lots" })
      assert.strictEqual(result.code, 1)
      assert.deepStrictEqual(lines(result.stderr), [
        `arbees: invalid configuration: risk.kellyFraction (env ARBEES_RISK_KELLY_FRACTION): expected a ratio from 0 to 1 with at most 4 decimals, such as 0.25, was "lots"`
      ])
      assert.strictEqual(result.stdout, "")
    }))

  it.live("a zero interval or a duration without a unit is refused at start-up with one line", () =>
    Effect.gen(function*() {
      const zero = yield* run(["run"], { ARBEES_DISCOVERY_INTERVAL: "0ms" })
      assert.strictEqual(zero.code, 1)
      assert.deepStrictEqual(lines(zero.stderr), [
        `arbees: invalid configuration: discovery.interval (env ARBEES_DISCOVERY_INTERVAL): expected a duration with a unit from 100ms to 1d, such as 30s, 500ms, 5m or 6h, was "0ms"`
      ])
      const bare = yield* run(["run", "--set", "espn.timeout=5"])
      assert.strictEqual(bare.code, 1)
      assert.deepStrictEqual(lines(bare.stderr), [
        `arbees: invalid configuration: espn.timeout (flag --set espn.timeout): expected a duration with a unit from 100ms to 10m, such as 30s, 500ms, 5m or 6h, was "5"`
      ])
    }))

  it.live("config --help shows every bounded key's range", () =>
    Effect.gen(function*() {
      const help = yield* run(["config", "--help"])
      assert.strictEqual(help.code, 0)
      assert.match(help.stdout, /Durations need a unit \(ms, s, m, h, d\)/)
      assert.match(help.stdout, /discovery\.interval\s+100ms to 1d\n/)
      assert.match(help.stdout, /espn\.timeout\s+100ms to 10m\n/)
      assert.match(help.stdout, /admin\.port\s+0 to 65535\n/)
    }))

  it.live("refuses live mode unless it is authorised separately", () =>
    Effect.gen(function*() {
      const result = yield* run(["--mode", "live", "config"])
      assert.strictEqual(result.code, 1)
      assert.match(result.stderr, /^arbees: mode=live needs live trading to be authorised separately/)
      const authorised = yield* run(["--mode", "live", "--authorize-live", "config", "--json"])
      assert.strictEqual(authorised.code, 0)
    }))

  it.live("an unreachable database fails start-up with one line and no credentials", () =>
    Effect.gen(function*() {
      const result = yield* run(["migrate"], { DATABASE_URL: "postgres://arbees:hunter2@127.0.0.1:1/nowhere", ARBEES_DATABASE_CONNECT_TIMEOUT: "2s" })
      assert.strictEqual(result.code, 1)
      assert.strictEqual(lines(result.stderr).length, 1)
      assert.match(result.stderr, /^arbees: cannot reach the database at 127\.0\.0\.1:1\/nowhere/)
      assert.notInclude(result.stderr, "hunter2")
    }))

  it.live("run comes up on the embedded database and exits 0 on SIGTERM", () =>
    Effect.promise(async () => {
      const dir = Cli.tempDir()
      const proc = Cli.start(["run", "--log-format", "json"], { env: Cli.cleanEnv(), cwd: dir })
      await proc.waitFor(/arbees ready/, RUN_START_MILLIS)
      proc.child.kill("SIGTERM")
      const result = await proc.exited
      assert.strictEqual(result.code, 0)
      const logs = lines(result.stdout).map((l) => JSON.parse(l) as { message: string; annotations: Record<string, string> })
      const ready = logs.find((l) => l.message === "arbees ready")!
      assert.strictEqual(ready.annotations["database"], "embedded")
      assert.strictEqual(ready.annotations["mode"], "paper")
      // Intake stops first, the outbox drains after the actors, and the database closes last
      const messages = logs.map((l) => l.message)
      const order = ["shutdown requested; draining", "outbox relay stopped", "shutdown complete"].map((m) => messages.indexOf(m))
      assert.isTrue(order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)), messages.join(" | "))
      assert.strictEqual(messages[messages.length - 1], "shutdown complete")
      // The embedded database persisted and is reopened (already migrated) on the next start
      const again = Cli.start(["run", "--log-format", "json"], { env: Cli.cleanEnv(), cwd: dir })
      await again.waitFor(/arbees ready/, RUN_START_MILLIS)
      again.child.kill("SIGINT")
      const second = await again.exited
      assert.strictEqual(second.code, 0)
      assert.notInclude(second.stdout, "migrations applied")
    }), RUN_TEST)
})

describe("arbees diagnostics and telemetry", () => {
  it.live("diagnostics --pretty shows the supervision tree of a running instance", () =>
    Effect.promise(async () => {
      const dir = Cli.tempDir()
      const proc = Cli.start(["run", "--log-format", "json"], { env: Cli.cleanEnv(), cwd: dir })
      try {
        await proc.waitFor(/arbees ready/, RUN_START_MILLIS)
        const pretty = await runCliPromise(["diagnostics", "--pretty"], { ARBEES_DATA_DIR: join(dir, ".arbees") })
        assert.strictEqual(pretty.code, 0, pretty.stderr)
        const lines = pretty.stdout.trimEnd().split("\n")
        assert.match(lines[0]!, /^runtime \[runtime\] running, up /)
        assert.match(pretty.stdout, /[├└]─ runner \[runner\] running/)
        assert.match(pretty.stdout, /orchestrator \[orchestrator\] running/)
        assert.match(pretty.stdout, /singleton:bankroll:paper \[singleton\] running, up [^,]+, restarts 0, last msg/)
        const json = await runCliPromise(["diagnostics"], { ARBEES_DATA_DIR: join(dir, ".arbees") })
        const tree = JSON.parse(json.stdout) as { id: string; children: Array<{ id: string; children: Array<{ id: string }> }> }
        assert.strictEqual(tree.id, "runtime")
        // The runner's children; the feeds (feed:espn, …) are the runtime's
        assert.includeMembers(tree.children.find((c) => c.id === "runner")!.children.map((c) => c.id), ["orchestrator", "singleton:bankroll:paper"])
        assert.include(tree.children.map((c) => c.id), "feed:espn")
        // Liveness and readiness over HTTP: /readyz lists its checks, the database first, each failing one with its reason
        const { url } = JSON.parse(readFileSync(join(dir, ".arbees", "admin.json"), "utf8")) as { url: string }
        const healthz = await fetch(`${url}/healthz`)
        assert.deepStrictEqual([healthz.status, await healthz.text()], [200, "ok\n"])
        const readyz = await fetch(`${url}/readyz`)
        const ready = (await readyz.json()) as { ready: boolean; checks: Array<{ name: string; ok: boolean; reason?: string }> }
        assert.strictEqual(readyz.status, ready.ready ? 200 : 503)
        assert.deepStrictEqual(ready.checks[0], { name: "database", ok: true })
        assert.strictEqual(ready.ready, ready.checks.every((c) => c.ok))
        for (const c of ready.checks.filter((c) => !c.ok)) assert.isAbove((c.reason ?? "").trim().length, 0, c.name)
      } finally {
        proc.child.kill("SIGTERM")
        assert.strictEqual((await proc.exited).code, 0)
      }
      // Nothing is running any more: one clear line
      const gone = await runCliPromise(["diagnostics"], { ARBEES_ADMIN_PORT: "1", ARBEES_DATA_DIR: join(dir, ".arbees") })
      assert.strictEqual(gone.code, 1)
      assert.match(gone.stderr, /^arbees: no running arbees at http:\/\/127\.0\.0\.1:1/)
    }), RUN_TEST)

  it.live("exports traces and metrics over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set", () =>
    Effect.promise(async () => {
      const received: Array<string> = []
      const sink = createServer((req, res) => {
        received.push(`${req.method} ${req.url}`)
        req.resume()
        req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"))
      })
      await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", () => resolve()))
      const { port } = sink.address() as AddressInfo
      const proc = Cli.start(["run", "--log-format", "json"], { env: Cli.cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }) })
      try {
        await proc.waitFor(/arbees ready/, RUN_START_MILLIS)
      } finally {
        // Shutdown flushes the exporters
        proc.child.kill("SIGTERM")
        assert.strictEqual((await proc.exited).code, 0)
        sink.close()
      }
      assert.include(received, "POST /v1/traces")
      assert.include(received, "POST /v1/metrics")
    }), RUN_TEST)
})

layer(Reactivity.layer, { excludeTestServices: true })("arbees CLI on Postgres", (it) => {
  it.effect("migrate creates the schema in an empty database, and a second run changes nothing", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      assert.strictEqual(yield* tableCount(url), 0)
      const first = yield* run(["migrate"], { DATABASE_URL: url })
      assert.strictEqual(first.code, 0, first.stderr)
      assert.match(first.stdout, /^applied migrations 1(, \d+)+ \(postgres 127\.0\.0\.1:5432\/arbees_test_/)
      const tables = yield* tableCount(url)
      assert.isAbove(tables, 15)
      const second = yield* run(["migrate"], { DATABASE_URL: url })
      assert.strictEqual(second.code, 0)
      assert.match(second.stdout, /^schema up to date/)
      assert.strictEqual(yield* tableCount(url), tables)
    }))

  it.effect("run uses DATABASE_URL when set and exits 0 on SIGTERM", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      yield* Effect.promise(async () => {
        const proc = Cli.start(["run", "--log-format", "json"], { env: Cli.cleanEnv({ DATABASE_URL: url }) })
        await proc.waitFor(/arbees ready/, RUN_START_MILLIS)
        proc.child.kill("SIGTERM")
        const result = await proc.exited
        assert.strictEqual(result.code, 0)
        assert.include(result.stdout, '"database":"postgres"')
      })
    }), RUN_TEST)
})
