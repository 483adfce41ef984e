/**
 * A child process for the embedded-lock test: takes the lock of the data directory given as
 * argument (the same `lockDataDir` arbees uses before opening PGlite), prints `LOCKED <pid>` or
 * `BUSY <pid>`, holds the lock for the milliseconds given, and exits.
 */
import { Effect } from "effect"
import { lockDataDir } from "../../src/services/database/Database.ts"

const [dir, holdMs] = process.argv.slice(2)
const program = Effect.scoped(
  Effect.gen(function*() {
    yield* lockDataDir(dir!)
    process.stdout.write(`LOCKED ${process.pid}\n`)
    yield* Effect.sleep(Number(holdMs ?? "1000"))
  })
).pipe(Effect.catch(() => Effect.sync(() => void process.stdout.write(`BUSY ${process.pid}\n`))))

if (import.meta.main) await Effect.runPromise(program)
