/**
 * Naming a failure from our own typed reasons: an HTTP status, a rate limit and a timeout are
 * named with their figures and the operation, wherever they sit in the error chain.
 */
import { assert, describe, it } from "vitest"
import { VenueError } from "../../src/schema/errors/VenueError.ts"
import { HttpStatus, RateLimited, Timeout } from "../../src/schema/errors/Reasons.ts"
import { describeFailure, nameFailure } from "../../src/services/Failure.ts"

describe("describeFailure on our own reasons", () => {
  it("names an HTTP status, a rate limit and a timeout inside a VenueError", () => {
    const http = new VenueError({ platform: "kalshi", reason: new HttpStatus({ operation: "GET /markets/orderbooks", status: 503, body: "{}" }) })
    assert.deepStrictEqual(nameFailure(http), { kind: "http", text: "HTTP 503 (GET /markets/orderbooks)" })
    const limited = new VenueError({ platform: "polymarket", reason: new RateLimited({ operation: "POST /books" }) })
    assert.strictEqual(describeFailure(limited), "rate limited (POST /books)")
    const slow = new VenueError({ platform: "kalshi", reason: new Timeout({ operation: "GET /events", afterMillis: 5000 }) })
    assert.deepStrictEqual(nameFailure(slow), { kind: "timeout", text: "timed out after 5000 ms (GET /events)" })
  })
})
