/**
 * `arbees replay DIR [--speed N|max] [--report text|json|html] [--out FILE]
 * [--sweep KEY=v1,v2,...] [--serve]`: replays a recording through the real runtime
 * (`replay/Replay.ts`) and reports on it. The shared `--set KEY=VALUE` flags override settings for
 * the run; `--sweep` runs once per value and prints each run's figures side by side. `--serve`
 * serves the dashboard and the operator API on the admin address while the replay runs (pace it
 * with `--speed` to watch), and keeps serving the final state after the report until interrupted.
 *
 * Progress goes to stderr: a bar on a terminal, a line every few seconds otherwise. The report
 * goes to `--out` or stdout, and the event-log digest is always printed (stderr), so two replays
 * can be compared.
 *
 * @since 0.1.0
 */
import { Console, Effect, Layer, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { writeFileSync } from "node:fs"
import { AppConfig, type CliInputs } from "../../services/config/AppConfig.ts"
import { readRecording } from "../../services/recording/RecordingReader.ts"
import { type Progress, replay, type ReplayResult, replaySettings, type Speed } from "../replay/Replay.ts"
import { renderHtml, renderJson, renderText, reportData } from "../replay/Report.ts"
import { unsafeWallClockMillis } from "../WallClock.ts"
import * as Logging from "../Logging.ts"
import { cliInputs } from "./Root.ts"

/** @category errors */
export class ReplayInputError extends Schema.TaggedError<ReplayInputError>()("ReplayInputError", { message: Schema.String }) {}

/** A number with `digits` decimals, for display (not money). */
const fixed = (x: number, digits: number): string => String(Math.round(x * 10 ** digits) / 10 ** digits)

const progressPrinter = () => {
  const tty = process.stderr.isTTY === true
  let lastLine = 0
  return (p: Progress) => {
    const share = (p.simulatedAt - p.start) / Math.max(1, p.end - p.start)
    const text = `${new Date(p.simulatedAt).toISOString().slice(0, 19)}Z  games ${p.games}  frames ${p.frames}  http ${p.http}  ${fixed(p.framesPerSecond, 0)} frames/s`
    if (tty) {
      const width = 30
      const done = Math.round(share * width)
      process.stderr.write(`\r[${"#".repeat(done)}${".".repeat(width - done)}] ${fixed(share * 100, 0).padStart(3)}%  ${text}`)
    } else {
      const now = unsafeWallClockMillis()
      if (now - lastLine >= 5_000) {
        lastLine = now
        process.stderr.write(`replay ${fixed(share * 100, 0)}%  ${text}\n`)
      }
    }
  }
}

type ReportData = ReturnType<typeof reportData>

/** With `--serve`: where the console is, and what to do with the report before the runtime closes. */
interface Serving {
  readonly onListening: (url: string) => Effect.Effect<void>
  readonly afterEnd: (data: ReportData) => Effect.Effect<void>
}

/** One replay with `extra` settings on top of the user's; returns the report's figures. */
const runOnce = (dir: string, speed: Speed, inputs: CliInputs, extra: Record<string, string>, serving?: Serving) =>
  Effect.gen(function*() {
    const recording = yield* Effect.try({ try: () => readRecording(dir), catch: (e) => new ReplayInputError({ message: `${dir}: ${e instanceof Error ? e.message : String(e)}` }) })
    const forced = { ...replaySettings(recording), ...extra }
    const flags = [...inputs.flags, ...Object.entries(forced).map(([key, value]) => ({ key, value, flag: `replay ${key}` }))]
    const config = AppConfig.layer({ ...inputs, flags })
    const logging = Layer.unwrap(Effect.map(AppConfig, ({ config: c }) => Logging.layer({ ...c.log, level: c.log.level === "info" ? "warn" : c.log.level }, { stderr: true })))
    const settings = Object.fromEntries(inputs.flags.filter((f) => !f.key.startsWith("kalshi.")).map((f) => [f.key, f.value]).concat(Object.entries(extra)))
    const report = (result: ReplayResult) => {
      if (process.stderr.isTTY === true) process.stderr.write("\n")
      return reportData(result, { synthetic: recording.manifest.synthetic, description: recording.manifest.description, settings })
    }
    const serve = serving === undefined ? undefined : { onListening: serving.onListening, afterEnd: (result: ReplayResult) => serving.afterEnd(report(result)) }
    const result = yield* replay(recording, { speed, tailMillis: 20 * 60_000, onProgress: progressPrinter(), progressEvery: 50, serve }).pipe(
      Effect.provide(Layer.provideMerge(logging, config))
    )
    return serving === undefined ? report(result) : undefined
  })

const digestLine = (data: ReportData, extra: Record<string, string>) =>
  Effect.sync(() => process.stderr.write(`replay digest ${data.digest}${Object.keys(extra).length === 0 ? "" : ` (${Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(" ")})`}\n`))

/** @category commands */
export const replayCommand = Command.make("replay", {
  dir: Argument.Directory("dir", { mustExist: true }).pipe(Argument.withDescription("a recording (`arbees record --out DIR`)")),
  speed: Flag.String("speed").pipe(
    Flag.withDescription("simulated time per real time, e.g. 1, 10, 60 (an hour a minute), or max (default)"),
    Flag.withMetavar("N|max"),
    Flag.withDefault("max")
  ),
  report: Flag.Literals("report", ["text", "json", "html"]).pipe(Flag.withDescription("report format (default text)"), Flag.withDefault("text" as const)),
  out: Flag.String("out").pipe(Flag.withDescription("write the report here instead of stdout"), Flag.withMetavar("FILE"), Flag.optional),
  sweep: Flag.String("sweep").pipe(Flag.withDescription("run once per value and report side by side, e.g. risk.kellyFraction=0.1,0.2"), Flag.withMetavar("KEY=V1,V2,..."), Flag.optional),
  serve: Flag.Boolean("serve").pipe(
    Flag.withDescription("serve the dashboard and operator API on the admin address while replaying (pace it with --speed), and after the report until interrupted")
  )
}, ({ dir, speed: speedText, report, out, sweep, serve }) =>
  Effect.gen(function*() {
    const inputs = yield* cliInputs
    if (speedText !== "max" && !(Number(speedText) > 0 && Number.isFinite(Number(speedText)))) {
      return yield* new ReplayInputError({ message: `--speed takes a positive number or max, was ${speedText}` })
    }
    const speed = speedText as Speed
    if (serve && Option.isSome(sweep)) return yield* new ReplayInputError({ message: "--serve follows one replay: drop --sweep" })
    const runs: Array<Record<string, string>> = [{}]
    if (Option.isSome(sweep)) {
      const eq = sweep.value.indexOf("=")
      if (eq <= 0) return yield* new ReplayInputError({ message: "--sweep needs KEY=v1,v2,..." })
      const key = sweep.value.slice(0, eq)
      runs.splice(0, 1, ...sweep.value.slice(eq + 1).split(",").map((v) => ({ [key]: v })))
    }
    const emit = (reports: ReadonlyArray<ReportData>) => {
      const rendered = report === "json"
        ? (reports.length === 1 ? renderJson(reports[0]!) : `${JSON.stringify(reports, null, 2)}\n`)
        : report === "html"
        ? reports.map(renderHtml).join("\n")
        : reports.map(renderText).join("\n---\n")
      return Option.isSome(out) ? Effect.sync(() => writeFileSync(out.value, rendered)) : Console.log(rendered.trimEnd())
    }
    if (serve) {
      let url = ""
      yield* runOnce(dir, speed, inputs, {}, {
        onListening: (u) => Effect.sync(() => {
          url = u
          process.stderr.write(`replay console: ${u}/ (dashboard), ${u}/api/docs (operator API)\n`)
        }),
        // The report, then the final state stays on show until Ctrl-C
        afterEnd: (data) =>
          digestLine(data, {}).pipe(
            Effect.andThen(emit([data])),
            Effect.andThen(Effect.sync(() => process.stderr.write(`replay finished; the console stays at ${url}/ until interrupted (Ctrl-C)\n`))),
            Effect.andThen(Effect.never)
          )
      })
      return
    }
    const reports: Array<ReportData> = []
    for (const extra of runs) {
      const data = (yield* runOnce(dir, speed, inputs, extra))!
      yield* digestLine(data, extra)
      reports.push(data)
    }
    yield* emit(reports)
  })).pipe(Command.withDescription("Replay a recording through the real runtime under a simulated clock, and report on it"))
