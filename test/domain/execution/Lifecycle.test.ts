import { assert, describe, it } from "@effect/vitest"
import { decideExit, type ExitRules } from "../../../src/domain/execution/Exits.ts"
import { applyFill, type OrderProgress, transition } from "../../../src/domain/execution/OrderLifecycle.ts"
import { averagePrice, fillHolding, flat, refundHolding, settleHolding } from "../../../src/domain/execution/Position.ts"
import { clobResultOf, kalshiResultOf, payoutOf, provisionalMark, resolvedResultOf, settlingWinner } from "../../../src/domain/execution/Resolution.ts"
import { dollars, priceOf, qtyOf } from "../../../src/schema/Money.ts"

const order = (status: OrderProgress["status"], filled = "0"): OrderProgress => ({ status, quantity: qtyOf("10"), filled: qtyOf(filled) })

describe("order lifecycle", () => {
  it("pending → acknowledged → partially filled → filled", () => {
    const a = transition(order("pending_submit"), { _tag: "State", status: "resting", filled: qtyOf("0") })
    assert.deepStrictEqual(a, order("acknowledged"))
    const b = applyFill(a!, qtyOf("4"))
    assert.deepStrictEqual(b, order("partially_filled", "4"))
    assert.deepStrictEqual(applyFill(b, qtyOf("6")), order("filled", "10"))
  })

  it("unknown is not a rejection; only the venue's answer ends it", () => {
    const u = transition(order("pending_submit"), { _tag: "Unknown" })
    assert.deepStrictEqual(u, order("unknown"))
    assert.deepStrictEqual(transition(u!, { _tag: "State", status: "partially_filled", filled: qtyOf("3") }), order("partially_filled", "3"))
    assert.deepStrictEqual(transition(u!, { _tag: "NotFound" }), order("rejected"))
    // An acknowledged order is never closed by "not found" (it may have been archived)
    assert.strictEqual(transition(order("acknowledged"), { _tag: "NotFound" }), undefined)
  })

  it("IOC remainder: cancelled with its fills", () => {
    assert.deepStrictEqual(transition(order("pending_submit"), { _tag: "State", status: "canceled", filled: qtyOf("7") }), order("canceled", "7"))
    assert.deepStrictEqual(transition(order("pending_submit"), { _tag: "State", status: "canceled", filled: qtyOf("10") }), order("filled", "10"))
  })

  it("stale and duplicate reports change nothing; terminal states stay, late fills count", () => {
    assert.strictEqual(transition(order("partially_filled", "5"), { _tag: "State", status: "resting", filled: qtyOf("2") }), undefined)
    assert.strictEqual(transition(order("filled", "10"), { _tag: "State", status: "canceled", filled: qtyOf("10") }), undefined)
    assert.strictEqual(transition(order("canceled", "5"), { _tag: "Rejected" }), undefined)
    assert.deepStrictEqual(transition(order("canceled", "5"), { _tag: "State", status: "canceled", filled: qtyOf("6") }), order("canceled", "6"))
    assert.deepStrictEqual(applyFill(order("canceled", "5"), qtyOf("5")), order("filled", "10"))
    assert.deepStrictEqual(transition(order("acknowledged"), { _tag: "State", status: "expired", filled: qtyOf("0") }), order("expired"))
  })
})

describe("position arithmetic mirrors the ledger", () => {
  it("buys, a partial sale, and settlement: realised P&L by hand", () => {
    // Buy 30 @0.43 fee $0.52 and 50 @0.44 fee $0.87: cost 12.90 + 22.00 = 34.90
    let h = fillHolding(flat, { action: "buy", price: priceOf("0.43"), quantity: qtyOf("30"), fee: dollars("0.52") })
    h = fillHolding(h, { action: "buy", price: priceOf("0.44"), quantity: qtyOf("50"), fee: dollars("0.87") })
    assert.deepStrictEqual(h, { quantity: qtyOf("80"), cost: dollars("34.90"), fees: dollars("1.39"), realized: dollars("-1.39"), entryQuantity: qtyOf("80") })
    assert.strictEqual(averagePrice(h), priceOf("0.43625"))
    // Sell 20 @0.50 fee $0.35: proceeds 10.00, cost removed floor(34.90 × 20/80) = 8.725
    h = fillHolding(h, { action: "sell", price: priceOf("0.50"), quantity: qtyOf("20"), fee: dollars("0.35") })
    assert.strictEqual(h.cost, dollars("26.175"))
    assert.strictEqual(h.realized, dollars("-0.465")) // −1.39 + 10.00 − 8.725 − 0.35
    // Settles as a winner: 60 × $1 = 60.00 − 26.175
    const won = settleHolding(h, priceOf("1"))
    assert.strictEqual(won.realized, dollars("33.36"))
    assert.strictEqual(won.quantity, 0)
    // ... or a loser: −0.465 − 26.175
    assert.strictEqual(settleHolding(h, priceOf("0")).realized, dollars("-26.64"))
    // ... or void: refunded at cost, the fees are lost
    assert.strictEqual(refundHolding(h).realized, dollars("-0.465"))
  })
})

const rules: ExitRules = {
  takeProfit: priceOf("0.03"),
  stopLoss: priceOf("0.03"),
  holdToSettleAbove: priceOf("0.85"),
  minHoldMillis: 10_000,
  requireValidBook: true,
  maxSpread: priceOf("0.50"),
  slippageBuffer: priceOf("0.005")
}

describe("exits in the held outcome's own price", () => {
  // A NO position bought at 0.40 (YES was 0.60)
  const no = { quantity: qtyOf("25"), entryPrice: priceOf("0.40"), openedAt: 0 }
  it("stop-loss on NO's bid, not YES's", () => {
    // NO bid 0.37/ask 0.39: 0.40 − 0.03 = 0.37 → stop. (YES at 0.61/0.63 would look like a gain.)
    assert.deepStrictEqual(decideExit(no, { bid: priceOf("0.37"), ask: priceOf("0.39") }, rules, 60_000), {
      _tag: "Exit", reason: "stop_loss", mark: priceOf("0.37"), limit: priceOf("0.365"), quantity: qtyOf("25")
    })
    assert.strictEqual(decideExit(no, { bid: priceOf("0.38"), ask: priceOf("0.39") }, rules, 60_000)._tag, "Hold")
  })
  it("take-profit on NO's bid", () => {
    assert.deepStrictEqual(decideExit(no, { bid: priceOf("0.43"), ask: priceOf("0.45") }, rules, 60_000), {
      _tag: "Exit", reason: "take_profit", mark: priceOf("0.43"), limit: priceOf("0.425"), quantity: qtyOf("25")
    })
  })
  it("no exit inside min hold, on an invalid book, or above the hold-to-settle mark", () => {
    assert.deepStrictEqual(decideExit(no, { bid: priceOf("0.30"), ask: priceOf("0.31") }, rules, 9_999), { _tag: "Hold", reason: "min_hold", mark: priceOf("0.30") })
    assert.strictEqual((decideExit(no, { bid: priceOf("0.30") }, rules, 60_000) as { reason: string }).reason, "invalid_book")
    assert.strictEqual((decideExit(no, { bid: priceOf("0.10"), ask: priceOf("0.70") }, rules, 60_000) as { reason: string }).reason, "invalid_book")
    assert.strictEqual((decideExit(no, { bid: priceOf("0.90"), ask: priceOf("0.92") }, rules, 60_000) as { reason: string }).reason, "hold_to_settle")
  })
  it("an operator's close skips the holding rules, never the price rule", () => {
    // Inside min hold, inside the band, on a wide book, above hold-to-settle: still sold at bid − buffer
    assert.deepStrictEqual(decideExit(no, { bid: priceOf("0.41"), ask: priceOf("0.95") }, rules, 1_000, true), {
      _tag: "Exit", reason: "operator", mark: priceOf("0.41"), limit: priceOf("0.405"), quantity: qtyOf("25")
    })
    assert.strictEqual(decideExit(no, { bid: priceOf("0.90"), ask: priceOf("0.92") }, rules, 60_000, true)._tag, "Exit")
    // No bid: nothing to sell into
    assert.deepStrictEqual(decideExit(no, { ask: priceOf("0.39") }, rules, 60_000, true), { _tag: "Hold", reason: "invalid_book" })
    const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })
    assert.strictEqual((decideExit(no, { bid: priceOf("0.41"), bids: [lv("0.41", "4")] }, rules, 60_000, true) as { quantity: number }).quantity, qtyOf("4"))
  })
  it("sized from the bids down to the limit (bid − buffer); no depth there: held", () => {
    const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })
    // 0.37 × 10 and 0.365 × 5 are at or above 0.365; 0.36 × 100 is not: 15 of the 25 go now
    const top = { bid: priceOf("0.37"), ask: priceOf("0.39"), bids: [lv("0.37", "10"), lv("0.365", "5"), lv("0.36", "100")] }
    assert.deepStrictEqual(decideExit(no, top, rules, 60_000), { _tag: "Exit", reason: "stop_loss", mark: priceOf("0.37"), limit: priceOf("0.365"), quantity: qtyOf("15") })
    assert.deepStrictEqual(decideExit(no, { ...top, bids: [lv("0.37", "0")] }, rules, 60_000), { _tag: "Hold", reason: "no_depth", mark: priceOf("0.37") })
  })
})

describe("resolution payouts", () => {
  it("Kalshi result and settlement value; Polymarket winner and split; void", () => {
    assert.deepStrictEqual(payoutOf({ _tag: "KalshiResult", result: "no" }, "no"), { _tag: "Price", price: priceOf("1") })
    assert.deepStrictEqual(payoutOf({ _tag: "KalshiResult", result: "no" }, "yes"), { _tag: "Price", price: priceOf("0") })
    assert.deepStrictEqual(payoutOf({ _tag: "KalshiValue", yesValue: priceOf("0.5") }, "no"), { _tag: "Price", price: priceOf("0.5") })
    assert.deepStrictEqual(payoutOf({ _tag: "Winner", outcomeId: "123" }, "123"), { _tag: "Price", price: priceOf("1") })
    assert.deepStrictEqual(payoutOf({ _tag: "Winner", outcomeId: "123" }, "456"), { _tag: "Price", price: priceOf("0") })
    assert.deepStrictEqual(payoutOf({ _tag: "Split", payouts: { "1": priceOf("0.5"), "2": priceOf("0.5") } }, "2"), { _tag: "Price", price: priceOf("0.5") })
    assert.deepStrictEqual(payoutOf({ _tag: "Void" }, "yes"), { _tag: "Refund" })
  })
})

describe("venue results", () => {
  it("Kalshi: paid only once finalized or settled; void at any status; scalar at its YES value", () => {
    assert.strictEqual(kalshiResultOf({ status: "active", result: "" }), undefined)
    assert.strictEqual(kalshiResultOf({ status: "determined", result: "yes" }), undefined)
    assert.deepStrictEqual(kalshiResultOf({ status: "finalized", result: "yes" }), { _tag: "KalshiResult", result: "yes" })
    assert.deepStrictEqual(kalshiResultOf({ status: "settled", result: "no" }), { _tag: "KalshiResult", result: "no" })
    assert.deepStrictEqual(kalshiResultOf({ status: "closed", result: "void" }), { _tag: "Void" })
    assert.deepStrictEqual(kalshiResultOf({ status: "finalized", result: "scalar", settlement_value_dollars: priceOf("0.5") }), { _tag: "KalshiValue", yesValue: priceOf("0.5") })
  })
  it("Polymarket: a winner token; closed with 50/50 prices is a split; closed awaiting the result is none", () => {
    const token = (id: string, price: string, winner = false) => ({ token_id: id, price: priceOf(price), winner })
    assert.deepStrictEqual(clobResultOf({ closed: true, tokens: [token("1", "1", true), token("2", "0")] }), { _tag: "Winner", outcomeId: "1" })
    assert.deepStrictEqual(clobResultOf({ closed: true, tokens: [token("1", "0.5"), token("2", "0.5")] }), { _tag: "Split", payouts: { "1": priceOf("0.5"), "2": priceOf("0.5") } })
    assert.strictEqual(clobResultOf({ closed: true, tokens: [token("1", "0.97"), token("2", "0.03")] }), undefined)
    assert.strictEqual(clobResultOf({ closed: false, tokens: [token("1", "0.5"), token("2", "0.5")] }), undefined)
    assert.deepStrictEqual(resolvedResultOf({ winning_asset_id: "7" }), { _tag: "Winner", outcomeId: "7" })
    assert.strictEqual(resolvedResultOf({ winning_asset_id: null }), undefined)
  })
  it("ESPN's final marks provisionally by meaning", () => {
    assert.strictEqual(provisionalMark("home_win", "home"), priceOf("1"))
    assert.strictEqual(provisionalMark("not_home_win", "draw"), priceOf("1"))
    assert.strictEqual(provisionalMark("away_win", "draw"), priceOf("0"))
    assert.strictEqual(provisionalMark("other", "home"), undefined)
  })
  it("marks a soccer game decided after 90 minutes as the draw its game-winner markets settle on", () => {
    const final = { status: "final", overtime: false, period: 2, result: { winner: "home", homeScore: 2, awayScore: 1 } } as const
    assert.strictEqual(settlingWinner({ ...final, sport: "soccer" }), "home")
    // Won on penalties (period 5): ESPN names the side that advanced; the 90-minute markets settle a draw
    assert.strictEqual(settlingWinner({ ...final, sport: "soccer", overtime: true, period: 5 }), "draw")
    assert.strictEqual(provisionalMark("home_win", settlingWinner({ ...final, sport: "mls", overtime: true, period: 3 })!), priceOf("0"))
    // Overtime is part of the game where there are no draws, and nothing is marked before the final
    assert.strictEqual(settlingWinner({ ...final, sport: "nhl", overtime: true, period: 4 }), "home")
    assert.strictEqual(settlingWinner({ ...final, sport: "soccer", status: "in_progress" }), undefined)
  })
})
