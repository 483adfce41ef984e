/**
 * The real Redis for tests (`ARBEES_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`), with a
 * unique key prefix per suite so parallel test files (and other people's runs) never share
 * streams; every key under the prefix is deleted when the layer's scope closes.
 */
import { Effect, Random } from "effect"
import { Redis } from "ioredis"

export const url = process.env["ARBEES_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379"

/** A raw client for assertions (XRANGE, XPENDING, CLIENT KILL); closed with the scope. */
export const client = Effect.acquireRelease(
  Effect.sync(() => new Redis(url, { protocol: 2, lazyConnect: false, maxRetriesPerRequest: 3 })),
  (c) => Effect.promise(() => c.quit().catch(() => "closed")).pipe(Effect.timeout("2 seconds"), Effect.ignore)
)

/** Deletes every key that starts with `prefix`. */
export const deleteKeys = (prefix: string) =>
  Effect.scoped(
    Effect.flatMap(client, (c) =>
      Effect.promise(async () => {
        let cursor = "0"
        do {
          const [next, keys] = await c.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500)
          if (keys.length > 0) await c.del(...keys)
          cursor = next
        } while (cursor !== "0")
      }))
  )

/** A fresh prefix `arbees-test:<pid>:<random>:`, its keys deleted when the scope closes. */
export const prefix = Effect.gen(function*() {
  const suffix = (yield* Random.nextIntBetween(0, 2 ** 31 - 1)).toString(36)
  const p = `arbees-test:${process.pid}:${suffix}:`
  yield* Effect.addFinalizer(() => deleteKeys(p).pipe(Effect.ignore))
  return p
})
