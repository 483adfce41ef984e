/**
 * The implementation of `arbees status`: reads `/api/status` from the running instance and prints
 * it as one screen (or the same figures as JSON with `--json`). Money is exact, in dollars;
 * probabilities and prices are shown as the venue quotes them.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Console, Effect, Option, Schema } from "effect"
import { StatusScreen } from "../../api/ConsoleApi.ts"
import { formatScaled } from "../../../schema/Money.ts"
import { nowMillis } from "../../../services/Time.ts"
import { configured } from "../Configured.ts"
import { adminUrl, getText, InstanceUnreachable } from "./Instance.ts"

type Screen = typeof StatusScreen.Type

const dollars = (micros: number) => `${micros < 0 ? "-" : ""}$${formatScaled(Math.abs(micros), 6, 2)}`
const signed = (micros: number) => (micros > 0 ? `+${dollars(micros)}` : dollars(micros))
const price = (micros: number | null) => (micros === null ? "  -  " : formatScaled(micros, 6, 2))
const qty = (micros: number) => formatScaled(micros, 6, 0)
// A probability (a model output, not money), in tenths of a percent
const pct = (p: number | null) => (p === null ? "-" : `${formatScaled(Math.round(p * 1000), 1, 1)}%`)
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC"
const age = (ms: number | null, now: number) => {
  if (ms === null) return ""
  const s = Math.max(0, Math.round((now - ms) / 1000))
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`
}
const clock = (period: number | null, seconds: number | null, status: string) => {
  if (status === "scheduled" || status === "halftime" || status === "final") return status
  if (period === null) return status
  if (seconds === null) return `P${period}`
  const s = Math.round(seconds)
  return `P${period} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`
}

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, indent = ""): Array<string> => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => indent + cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()
  return [line(header), ...rows.map(line)]
}

/** The status screen as text (pure: the same screen and time give the same text). @category formatting */
export const render = (screen: Screen, now: number): string => {
  const out: Array<string> = []
  const t = screen.trading
  out.push(`trading  ${t.state}  since ${utc(t.at)} by ${t.changedBy}${t.reason === "" ? "" : `: ${t.reason}`}`)
  const b = screen.bankroll
  if (b !== null) {
    const available = b.balanceMicros - b.reservedMicros
    out.push(
      `bankroll ${b.account}  balance ${dollars(b.balanceMicros)}  reserved ${dollars(b.reservedMicros)}  available ${dollars(available)}  piggybank ${
        dollars(b.piggybankMicros)
      }${b.ledgerBalanced ? "" : "  LEDGER MISMATCH"}`
    )
  }
  out.push(`today    realised P&L ${signed(screen.today.realizedPnlMicros)}  fees ${dollars(screen.today.feesMicros)}  ${screen.today.positions} closed`)
  out.push("")
  out.push(`games in play (${screen.games.length})`)
  for (const g of screen.games) {
    const score = g.game.homeScore === null ? "" : `${g.game.away.abbreviation} ${g.game.awayScore ?? 0} - ${g.game.homeScore} ${g.game.home.abbreviation}`
    out.push(
      `  ${g.game.league.toUpperCase()} ${g.game.away.name} at ${g.game.home.name}  ${score}  ${clock(g.period, g.secondsRemaining, g.game.status)}  model home ${
        pct(g.modelHome)
      }${g.modelDraw !== null && g.modelDraw > 0 ? ` draw ${pct(g.modelDraw)}` : ""}${g.modelPrior === null ? "" : ` (prior ${g.modelPrior})`}${g.game.tradingHalted ? `  HALTED: ${g.game.haltedReason ?? ""}` : ""}  [${g.game.gameId}]`
    )
    if (g.prices.length === 0) out.push("    no venue prices yet")
    else {
      out.push(...table(
        ["venue", "market", "outcome", "bid", "ask", "size bid/ask", "as of"],
        g.prices.map((p) => [
          p.platform,
          p.marketId,
          p.outcomeId,
          price(p.bidMicros),
          price(p.askMicros),
          `${p.bidSize === null ? "-" : qty(p.bidSize)}/${p.askSize === null ? "-" : qty(p.askSize)}`,
          age(p.observedAt, now)
        ]),
        "    "
      ))
    }
  }
  out.push("")
  out.push(`open positions (${screen.openPositions.length})`)
  if (screen.openPositions.length > 0) {
    out.push(...table(
      ["game", "venue", "market", "outcome", "qty", "avg", "cost", "fees"],
      screen.openPositions.map((p) => [
        p.gameId,
        p.platform,
        p.marketId,
        p.outcomeId,
        qty(p.quantity),
        p.quantity === 0 ? "-" : price(Math.round((p.costBasisMicros * 1_000_000) / p.quantity)),
        dollars(p.costBasisMicros),
        dollars(p.feesPaidMicros)
      ]),
      "  "
    ))
  }
  return out.join("\n")
}

/** `arbees status`. @category commands */
export const status = ({ json, url }: { readonly json: boolean; readonly url: Option.Option<string> }) =>
  Effect.gen(function*() {
    const base = yield* adminUrl(url)
    const body = yield* getText(base, "/api/status")
    const screen = yield* Schema.decodeUnknownEffect(Schema.fromJsonString(StatusScreen))(body).pipe(
      Effect.mapError((e) => new InstanceUnreachable({ message: `${base}/api/status answered something unexpected: ${e.message}` }))
    )
    yield* Console.log(json ? JSON.stringify(screen) : render(screen, yield* nowMillis))
  }).pipe(Effect.provide(NodeHttpClient.layerUndici), Effect.provide(configured({ stderr: true })))
