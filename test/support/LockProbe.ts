/**
 * A child process for the embedded-lock test: takes the lock of the data directory given as
 * argument (the same `lockDataDir` arbees uses before opening PGlite), prints `LOCKED <pid>` or
 * `BUSY <pid>`, holds the lock for the milliseconds given, and exits. With a third argument
 * `wait`, it first prints `READY` and waits for a line on stdin naming the instant (epoch ms) to
 * take the lock at, so a test can release many started probes at the same moment (however long
 * each took to start).
 */
import { Effect } from "effect"
import { lockDataDir } from "../../src/services/database/Database.ts"

const [dir, holdMs, wait] = process.argv.slice(2)

// The line is the wall-clock instant (epoch ms) to take the lock at: every probe spins until it,
// so those on a core at that instant race for the lock within microseconds of each other
const go = Effect.promise(() =>
  new Promise<void>((ok) => {
    process.stdout.write("READY\n")
    process.stdin.setEncoding("utf8").once("data", (line: string) => {
      process.stdin.pause()
      const at = Number(line.trim())
      while (Date.now() < at) {
        // spin: a timer would wake each probe at a different moment
      }
      ok()
    })
  })
)

const program = Effect.scoped(
  Effect.gen(function*() {
    if (wait === "wait") yield* go
    yield* lockDataDir(dir!)
    process.stdout.write(`LOCKED ${process.pid}\n`)
    yield* Effect.sleep(Number(holdMs ?? "1000"))
  })
).pipe(Effect.catch(() => Effect.sync(() => void process.stdout.write(`BUSY ${process.pid}\n`))))

if (import.meta.main) await Effect.runPromise(program)
