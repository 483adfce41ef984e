/**
 * Helpers the live venues share for their reads (status queries, account listings): a read failure
 * as an order-entry error, and cursor paging.
 *
 * Reads go through `VenueHttp` (timeouts, retries of what is idempotent, decoding, dead letters);
 * only writes take the no-retry {@link OrderHttp} path.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { OrderError, OutcomeUnknown } from "../../schema/errors/OrderError.ts"
import type { VenueError } from "../../schema/errors/VenueError.ts"

/** A read that failed: it proves nothing about the order, so the outcome stays unknown. @category errors */
export const readFailed = (error: VenueError): OrderError => {
  const reason = error.reason
  if (reason._tag === "RateLimited" || reason._tag === "Unauthorized") return new OrderError({ platform: error.platform, reason })
  return new OrderError({ platform: error.platform, reason: new OutcomeUnknown({ message: `read failed: ${reason._tag}${"status" in reason ? ` ${reason.status}` : ""}` }) })
}

/** Whether a read failed with this HTTP status. @category predicates */
export const isStatus = (error: VenueError, status: number): boolean => error.reason._tag === "HttpStatus" && error.reason.status === status

const MAX_PAGES = 1_000

/**
 * Every page of a cursor-paged listing; the end is an empty, null or absent cursor (or Polymarket's
 * `"LTE="`), and a repeated cursor ends it too.
 *
 * @category paging
 */
export const allPages = <A, E>(fetch: (cursor: string | undefined) => Effect.Effect<{ readonly items: ReadonlyArray<A>; readonly cursor: string | null | undefined }, E>) =>
  Effect.gen(function*() {
    const all: Array<A> = []
    const seen = new Set<string>()
    let cursor: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = yield* fetch(cursor)
      all.push(...result.items)
      const next = result.cursor ?? ""
      if (next === "" || next === "LTE=" || seen.has(next)) return all
      seen.add(next)
      cursor = next
    }
    return all
  })
