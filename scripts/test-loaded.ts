/**
 * `npm run test:loaded`: the whole test suite beside a CPU hog that keeps every core busy, as on a
 * busy CI machine. Prints the suite's wall time; exits with the suite's exit code.
 */
import { spawn } from "node:child_process"
import { cpus } from "node:os"

const hogs = cpus().map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }))
const stop = () => hogs.forEach((h) => h.kill("SIGKILL"))
process.on("exit", stop)
process.on("SIGINT", () => process.exit(130))
process.on("SIGTERM", () => process.exit(143))

const started = process.hrtime.bigint()
const suite = spawn(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...process.argv.slice(2)], { stdio: "inherit" })
suite.on("exit", (code, signal) => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  process.stdout.write(`test:loaded: suite ${code === 0 ? "passed" : "failed"} in ${seconds.toFixed(1)} s beside ${hogs.length} busy core(s)\n`)
  process.exit(code ?? (signal === null ? 1 : 128))
})
