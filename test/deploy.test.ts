/**
 * The deployment files (issue 14, item 1): `deploy/Dockerfile`, `deploy/compose.yaml` and
 * `deploy/arbees.service`. Docker cannot run here, so this checks what can be checked without it:
 *
 * - the Dockerfile: every instruction is a real one, it starts `FROM` the pinned Node, every `COPY`
 *   source exists in the repository, and arbees runs as PID 1 in exec form (signals reach it);
 * - the compose file: valid YAML with only Compose-spec keys, Postgres and Redis with health checks,
 *   arbees started after them healthy, pointed at them, and given longer to stop than its deadline;
 * - the systemd unit: `systemd-analyze verify` accepts it (and refuses a broken copy), and it runs
 *   node itself, not npm, with a stop timeout longer than the shutdown deadline.
 *
 * The README says the same: the files are syntax-checked, not run.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"

const root = fileURLToPath(new URL("../", import.meta.url))
const read = (path: string) => readFileSync(join(root, path), "utf8")
const packageJson = JSON.parse(read("package.json")) as { engines: { node: string } }
const pinnedMajor = /(\d+)/.exec(packageJson.engines.node)![1]!

/** The shutdown deadline's default, in seconds, from the spec. */
const deadlineSeconds = Number(/deadline: S\.setting\(S\.timeout, seconds\((\d+)\)/.exec(read("src/services/config/ConfigSpec.ts"))![1])

const INSTRUCTIONS = new Set([
  "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
  "HEALTHCHECK", "SHELL"
])

/** Instructions with their continuation lines joined, comments and blank lines dropped. */
const instructions = (text: string): Array<{ readonly keyword: string; readonly args: string }> => {
  const out: Array<{ keyword: string; args: string }> = []
  let pending = ""
  for (const raw of text.split("\n")) {
    const line = raw.trim()
    if (pending === "" && (line === "" || line.startsWith("#"))) continue
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " "
      continue
    }
    const whole = (pending + line).trim()
    pending = ""
    const [keyword, ...rest] = whole.split(/\s+/)
    out.push({ keyword: keyword!, args: rest.join(" ") })
  }
  assert.strictEqual(pending, "", "a continuation line ends the file")
  return out
}

describe("deployment files", () => {
  it("the Dockerfile builds on the pinned Node and runs arbees as PID 1 in exec form", () => {
    const steps = instructions(read("deploy/Dockerfile"))
    for (const s of steps) assert.isTrue(INSTRUCTIONS.has(s.keyword), `unknown instruction ${s.keyword}`)
    assert.strictEqual(steps[0]!.keyword, "FROM")
    const froms = steps.filter((s) => s.keyword === "FROM")
    for (const f of froms) assert.match(f.args, new RegExp(`^node:${pinnedMajor}[-\\w.]*( AS \\w+)?$`))
    // Every COPY from the build context names something that exists in the repository
    for (const c of steps.filter((s) => s.keyword === "COPY" && !s.args.startsWith("--from"))) {
      const parts = c.args.split(/\s+/)
      for (const source of parts.slice(0, -1)) assert.isTrue(existsSync(join(root, source)), `COPY source ${source} is missing`)
    }
    // Exec form: the stop signal reaches node itself, not a shell
    const entrypoint = steps.find((s) => s.keyword === "ENTRYPOINT")!
    assert.deepStrictEqual(JSON.parse(entrypoint.args), ["node", "dist/main.js"])
    assert.deepStrictEqual(JSON.parse(steps.find((s) => s.keyword === "CMD")!.args), ["run"])
    assert.strictEqual(steps.find((s) => s.keyword === "STOPSIGNAL")?.args, "SIGTERM")
    assert.isTrue(steps.some((s) => s.keyword === "USER" && s.args !== "root"))
    // The runtime reads migrations/ and data/ from the package root
    for (const dir of ["migrations", "data"]) assert.isTrue(steps.some((s) => s.keyword === "COPY" && s.args.startsWith(`${dir} `)), dir)
    // The build context leaves out what the build makes
    const ignored = read(".dockerignore").split("\n")
    for (const p of ["node_modules", "dist"]) assert.include(ignored, p)
  })

  it("the compose file is valid Compose with Postgres and Redis, healthy before arbees starts", () => {
    const compose = parse(read("deploy/compose.yaml")) as Record<string, any>
    const TOP = new Set(["name", "services", "volumes", "networks", "configs", "secrets", "include"])
    for (const key of Object.keys(compose)) assert.isTrue(TOP.has(key), `unknown top-level key ${key}`)
    const SERVICE = new Set([
      "image", "build", "command", "entrypoint", "environment", "env_file", "volumes", "ports", "expose", "healthcheck", "depends_on",
      "restart", "stop_signal", "stop_grace_period", "user", "working_dir", "networks", "init", "labels", "logging", "deploy", "secrets"
    ])
    const services = compose["services"] as Record<string, Record<string, any>>
    assert.deepStrictEqual(Object.keys(services).sort(), ["arbees", "postgres", "redis"])
    for (const [name, service] of Object.entries(services)) {
      for (const key of Object.keys(service)) assert.isTrue(SERVICE.has(key), `${name}: unknown key ${key}`)
      assert.isTrue("image" in service || "build" in service, `${name} has no image or build`)
    }
    for (const dependency of ["postgres", "redis"]) {
      assert.isArray(services[dependency]!["healthcheck"]["test"])
      assert.deepStrictEqual(services["arbees"]!["depends_on"][dependency], { condition: "service_healthy" })
    }
    const arbees = services["arbees"]!
    assert.strictEqual(arbees["build"]["dockerfile"], "deploy/Dockerfile")
    assert.isTrue(existsSync(join(root, "deploy", arbees["build"]["context"], arbees["build"]["dockerfile"])))
    assert.match(arbees["environment"]["DATABASE_URL"], /^postgres:\/\/[^@]+@postgres:5432\//)
    assert.match(arbees["environment"]["REDIS_URL"], /^redis:\/\/redis:6379/)
    assert.strictEqual(arbees["stop_signal"], "SIGTERM")
    assert.isAbove(Number(/^(\d+)s$/.exec(arbees["stop_grace_period"])![1]), deadlineSeconds)
    // Redis persists the streams (a restart must not lose unacknowledged events)
    assert.include(services["redis"]!["command"], "--appendonly")
    // Every named volume a service mounts is declared
    const declared = Object.keys(compose["volumes"] ?? {})
    for (const service of Object.values(services)) {
      for (const v of (service["volumes"] ?? []) as Array<string>) {
        const source = v.split(":")[0]!
        if (!source.startsWith(".") && !source.startsWith("/")) assert.include(declared, source)
      }
    }
  })

  it("the systemd unit passes systemd-analyze verify and stops node itself within its deadline", () => {
    const unit = read("deploy/arbees.service")
    const setting = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(unit)?.[1]
    assert.match(setting("ExecStart")!, /^\/usr\/bin\/node \S+\/dist\/main\.js run$/)
    assert.strictEqual(setting("KillSignal"), "SIGTERM")
    assert.isAbove(Number(setting("TimeoutStopSec")), deadlineSeconds)
    const analyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" })
    if (analyze.error !== undefined) {
      // No systemd tools on this machine: the checks above are what we have
      return
    }
    const dir = mkdtempSync(join(tmpdir(), "arbees-unit-"))
    // verify wants the program to exist: on a machine without /usr/bin/node, point at ours
    const text = existsSync("/usr/bin/node") ? unit : unit.replace("/usr/bin/node", process.execPath)
    const verify = (name: string, body: string) => {
      writeFileSync(join(dir, name), body)
      return spawnSync("systemd-analyze", ["verify", join(dir, name)], { encoding: "utf8", timeout: 30_000 })
    }
    const good = verify("arbees.service", text)
    assert.strictEqual(good.status, 0, good.stderr)
    assert.strictEqual(good.stderr.trim(), "")
    // The check has teeth: a relative ExecStart is refused
    const bad = verify("arbees-broken.service", text.replace(/^ExecStart=\//m, "ExecStart="))
    assert.notStrictEqual(bad.status, 0)
  })
})
