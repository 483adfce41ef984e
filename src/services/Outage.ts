/**
 * An external system that keeps failing, told once and then summarised: the first failure is
 * logged with its cause (`ESPN unreachable: connection refused (127.0.0.1:8080)`), later ones are
 * counted and summarised at most once per `summaryEvery` (`ESPN unreachable for 5 min: connection
 * refused (12 attempts)`), and the recovery is logged once (`ESPN reachable again after 7 min`).
 * Each attempt is logged only at debug level.
 *
 * The outage is a node of the supervision tree (`feed:espn`, …): `running` while the system
 * answers, `degraded` once it has been failing longer than its staleness limit (what it feeds is
 * then too old to trade on), with the cause as its last error; `/readyz` reports degraded nodes.
 *
 * Time comes from `Clock`: under `TestClock` an outage of ten simulated minutes is one test.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Option } from "effect"
import { Diagnostics, type NodeReport } from "./Diagnostics.ts"
import { describeFailure } from "./Failure.ts"
import { nowMillis } from "./Time.ts"

/** @category models */
export interface OutageOptions {
  /** How logs name the system: `ESPN`, `Kalshi` */
  readonly name: string
  /** Its node in the supervision tree, if any: `feed:espn` */
  readonly node?: string | undefined
  /** Failing longer than this makes the node degraded */
  readonly staleAfter: Duration.Input
  /** At most one summary line per this long; 5 minutes unless given */
  readonly summaryEvery?: Duration.Input | undefined
  /** What being down past `staleAfter` means for trading, said once when it happens and in the node */
  readonly whenStale?: string | undefined
}

/** Where an outage stands. @category models */
export interface OutageState {
  readonly down: boolean
  /** When the current outage began */
  readonly since: number | undefined
  /** Failed attempts in the current outage */
  readonly attempts: number
  /** The latest cause, one line */
  readonly cause: string | undefined
}

/** @category models */
export interface Outage {
  /**
   * An attempt failed with `error` (its cause is named from the error chain); `undefined` when the
   * failure says nothing new about the cause (a circuit breaker failing fast): counted, cause kept
   */
  readonly failed: (error: unknown) => Effect.Effect<void>
  /** An attempt succeeded: the outage, if any, is over */
  readonly succeeded: Effect.Effect<void>
  readonly state: () => OutageState
}

/** `90 s`, `5 min`, `2 h 5 min`. @category formatting */
export const formatSpan = (ms: number): string => {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`
  const minutes = Math.round(ms / 60_000)
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 === 0 ? "" : ` ${minutes % 60} min`}`
}

/**
 * A tracker for one system; registers its node when `Diagnostics` is present.
 *
 * @category constructors
 */
export const make = Effect.fnUntraced(function*(options: OutageOptions) {
  const staleMs = Duration.toMillis(Duration.fromInputUnsafe(options.staleAfter))
  const summaryMs = Duration.toMillis(Duration.fromInputUnsafe(options.summaryEvery ?? Duration.minutes(5)))
  const diagnostics = yield* Effect.serviceOption(Diagnostics)
  let node: NodeReport | undefined
  // One tracker per node: a second client of the same system only logs (the first one reports)
  if (options.node !== undefined && Option.isSome(diagnostics) && diagnostics.value.get(options.node)?.status !== "running") {
    node = yield* diagnostics.value.register({ id: options.node, kind: "service" })
    node.status = "running"
    node.details["system"] = options.name
    const registered = node
    yield* Effect.addFinalizer(() => Effect.sync(() => void (registered.status = "stopped")))
  }

  let since: number | undefined
  let attempts = 0
  let cause: string | undefined
  let lastLogged = 0
  let saidStale = false

  const failed = (error: unknown) =>
    Effect.gen(function*() {
      const now = yield* nowMillis
      const why = error === undefined ? (cause ?? "circuit open") : describeFailure(error)
      cause = why
      attempts++
      yield* Effect.logDebug(`${options.name} attempt failed`).pipe(Effect.annotateLogs({ reason: why, attempt: attempts }))
      if (since === undefined) {
        since = now
        lastLogged = now
        yield* Effect.logWarning(`${options.name} unreachable: ${why}`).pipe(Effect.annotateLogs({ reason: why }))
      } else if (now - lastLogged >= summaryMs) {
        lastLogged = now
        yield* Effect.logWarning(`${options.name} unreachable for ${formatSpan(now - since)}: ${why} (${attempts} attempts)`).pipe(
          Effect.annotateLogs({ reason: why, attempts, downForMs: now - since })
        )
      }
      const stale = now - since >= staleMs
      if (stale && !saidStale) {
        saidStale = true
        yield* Effect.logWarning(`${options.name} down for ${formatSpan(now - since)}, past its staleness limit${options.whenStale === undefined ? "" : `: ${options.whenStale}`}`).pipe(
          Effect.annotateLogs({ reason: why, attempts })
        )
      }
      if (node !== undefined) {
        const consequence = stale && options.whenStale !== undefined ? `; ${options.whenStale}` : ""
        node.lastError = { at: now, message: `${options.name} unreachable for ${formatSpan(now - since)}: ${why} (${attempts} attempts)${consequence}` }
        if (stale) node.status = "degraded"
      }
    })

  const succeeded = Effect.gen(function*() {
    if (since === undefined) return
    const now = yield* nowMillis
    yield* Effect.logInfo(`${options.name} reachable again after ${formatSpan(now - since)}`).pipe(
      Effect.annotateLogs({ failedAttempts: attempts, lastReason: cause ?? "" })
    )
    since = undefined
    attempts = 0
    saidStale = false
    if (node !== undefined && node.status === "degraded") node.status = "running"
  })

  return {
    failed,
    succeeded,
    state: () => ({ down: since !== undefined, since, attempts, cause })
  } satisfies Outage
})
