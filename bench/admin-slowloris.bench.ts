/**
 * A slowloris against a real arbees process (issue 16, finding 8): `node dist/main.js run` (on a
 * fresh database of the local Postgres, 127.0.0.1:5432, the default `admin.headerTimeout` of 5 s),
 * 3,000 slow connections from a second process, and `/healthz` and `/readyz` (its database check)
 * probed from this one on fresh connections before, during and after the attack
 * (`test/support/AdminSlowloris.ts`). Uses the built CLI (`npm run build` first).
 */
import { Effect } from "effect"
import { measure } from "../test/support/AdminSlowloris.ts"
import * as TestDatabase from "../test/support/TestDatabase.ts"
import type { Benchmark } from "./run.ts"

const HEADER_TIMEOUT_MS = 5_000

export default {
  name: "admin-slowloris",
  run: async () => {
    const figures = await Effect.runPromise(
      Effect.scoped(Effect.flatMap(TestDatabase.createDatabase, (databaseUrl) =>
        Effect.promise(() => measure({ connections: 3_000, headerTimeoutMs: HEADER_TIMEOUT_MS, databaseUrl }))))
    )
    process.stdout.write(
      `3,000 slow connections: /healthz during the attack p50 ${figures.healthzDuring.p50Ms} ms, max ${figures.healthzDuring.maxMs} ms ` +
        `(${figures.healthzDuring.failed} of ${figures.healthzDuring.probes} failed); database ${figures.databaseDuring.ok}/${figures.databaseDuring.probes} ok; ` +
        `slow connections kept at most ${figures.attacker.keptMaxMs} ms (header timeout ${HEADER_TIMEOUT_MS} ms)\n`
    )
    return figures as unknown as Record<string, unknown>
  }
} satisfies Benchmark
