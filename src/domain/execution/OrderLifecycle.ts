/**
 * The order lifecycle as a pure state machine: which venue report moves an order where, and which
 * reports are stale or duplicates and change nothing.
 *
 * ```
 * pending_submit ─ack─▶ acknowledged ─fill─▶ partially_filled ─fill─▶ filled
 *       │                    │                     │
 *       ├─timeout/reset─▶ unknown ─status query─▶ (any state the venue reports; "no such order" → rejected)
 *       └─rejected            └─cancel/expire/IOC rest─▶ canceled | expired
 * ```
 *
 * - Terminal states (`filled`, `canceled`, `rejected`, `expired`) never change status again; a late
 *   fill of a cancelled order still counts its quantity (venues report fills that raced the cancel).
 * - The filled quantity only grows; a report with less than we know is stale and ignored.
 * - `unknown` is never a rejection: only the venue's own status answer ends it.
 *
 * @since 0.1.0
 */
import type { Qty } from "../../schema/Money.ts"

/** @category models */
export type LifecycleStatus = "pending_submit" | "acknowledged" | "partially_filled" | "filled" | "canceled" | "rejected" | "expired" | "unknown"

/** @category models */
export interface OrderProgress {
  readonly status: LifecycleStatus
  readonly quantity: Qty
  readonly filled: Qty
}

/** What the venue (or our own attempt to reach it) said. @category models */
export type VenueReport =
  /** The venue's view of the order: its status and the quantity filled so far */
  | { readonly _tag: "State"; readonly status: "resting" | "partially_filled" | "filled" | "canceled" | "rejected" | "expired"; readonly filled: Qty }
  /** The venue proved it refused the order */
  | { readonly _tag: "Rejected" }
  /** We cannot tell whether the venue has the order */
  | { readonly _tag: "Unknown" }
  /** A status query: the venue has no such order (so it never got it) */
  | { readonly _tag: "NotFound" }

/** @category predicates */
export const isTerminal = (s: LifecycleStatus): boolean => s === "filled" || s === "canceled" || s === "rejected" || s === "expired"

const byFill = (quantity: Qty, filled: number): LifecycleStatus => (filled >= quantity ? "filled" : filled > 0 ? "partially_filled" : "acknowledged")

/**
 * The order after a report, or `undefined` when the report changes nothing (a duplicate, a stale
 * state, anything after a terminal state except late fills).
 *
 * @category transitions
 */
export const transition = (order: OrderProgress, report: VenueReport): OrderProgress | undefined => {
  const { status, quantity, filled } = order
  switch (report._tag) {
    case "Unknown":
      return status === "pending_submit" ? { ...order, status: "unknown" } : undefined
    case "Rejected":
      return status === "pending_submit" || status === "unknown" ? { ...order, status: "rejected" } : undefined
    case "NotFound":
      // Only an order we could not confirm may be closed by the venue not knowing it
      return status === "pending_submit" || status === "unknown" ? { ...order, status: "rejected" } : undefined
    case "State": {
      const nextFilled = Math.max(filled, Math.min(report.filled, quantity)) as Qty
      if (isTerminal(status)) return nextFilled > filled ? { ...order, filled: nextFilled, status: nextFilled >= quantity ? "filled" : status } : undefined
      let next: LifecycleStatus
      switch (report.status) {
        case "resting":
        case "partially_filled":
        case "filled":
          next = byFill(quantity, nextFilled)
          break
        case "rejected":
          next = nextFilled > 0 ? byFill(quantity, nextFilled) : "rejected"
          break
        default:
          next = nextFilled >= quantity ? "filled" : report.status
      }
      if (next === status && nextFilled === filled) return undefined
      return { status: next, quantity, filled: nextFilled }
    }
  }
}

/**
 * The order after a new fill of `quantity` (already deduplicated by fill id).
 *
 * @category transitions
 */
export const applyFill = (order: OrderProgress, quantity: Qty): OrderProgress => {
  const filled = Math.min(order.quantity, order.filled + quantity) as Qty
  const status = isTerminal(order.status) ? (filled >= order.quantity ? "filled" : order.status) : byFill(order.quantity, filled)
  return { ...order, filled, status }
}
