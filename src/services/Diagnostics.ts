/**
 * The live supervision tree: runtime → runner → orchestrator → game actors, and the singletons.
 *
 * Effect 4 has no fiber dump or supervisor tree, so every actor reports itself here: its state,
 * when it started, how often it restarted, its last error, its mailbox depth, when it last handled
 * a message and how fresh its ESPN and book data are. `arbees diagnostics` and the admin HTTP
 * endpoint read `snapshot`.
 *
 * Updates are synchronous map writes (actors call them on every message); ages are computed at
 * snapshot time from `Clock`.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { nowMillis } from "./Time.ts"

/** @category models */
export type NodeKind = "runtime" | "runner" | "orchestrator" | "game" | "singleton" | "service"

/** @category models */
export type NodeStatus = "starting" | "running" | "degraded" | "backing_off" | "halted" | "passivated" | "stopped"

/** What an actor reports about itself. @category models */
export interface NodeReport {
  readonly id: string
  readonly kind: NodeKind
  readonly parent: string | undefined
  status: NodeStatus
  startedAt: number
  restarts: number
  lastError: { readonly at: number; readonly message: string } | undefined
  mailboxDepth: number | undefined
  lastMessageAt: number | undefined
  /** When the ESPN state / the freshest book this actor trades on was last updated */
  espnUpdatedAt: number | undefined
  bookUpdatedAt: number | undefined
  details: Record<string, unknown>
  /** Recent restart times, for crash-loop detection */
  restartTimes: Array<number>
}

/** One node of a snapshot, with ages in milliseconds. @category models */
export interface TreeNode {
  readonly id: string
  readonly kind: NodeKind
  readonly status: NodeStatus
  readonly uptimeMs: number
  readonly restarts: number
  readonly lastError?: { readonly at: number; readonly message: string }
  readonly mailboxDepth?: number
  readonly lastMessageAgeMs?: number
  readonly espnAgeMs?: number
  readonly bookAgeMs?: number
  readonly details?: Record<string, unknown>
  readonly children: ReadonlyArray<TreeNode>
}

/** @category services */
export class Diagnostics extends Context.Service<Diagnostics, {
  /**
   * Adds a node, or revives an existing one: a node that comes back without having been
   * passivated or stopped counts a restart. Returns the live report, which the actor mutates.
   */
  readonly register: (node: { readonly id: string; readonly kind: NodeKind; readonly parent?: string | undefined }) => Effect.Effect<NodeReport>
  /** The node's live report, if registered. */
  readonly get: (id: string) => NodeReport | undefined
  /** Forgets a node entirely. */
  readonly remove: (id: string) => Effect.Effect<void>
  /** The whole tree, rooted at the runtime node. */
  readonly snapshot: Effect.Effect<TreeNode>
}>()("arbees/services/Diagnostics") {
  /** An empty registry with the `runtime` root node. */
  static readonly layer: Layer.Layer<Diagnostics> = Layer.effect(
    Diagnostics,
    Effect.gen(function*() {
      const nodes = new Map<string, NodeReport>()
      const startedAt = yield* nowMillis
      nodes.set("runtime", blank("runtime", "runtime", undefined, startedAt, "running"))

      const register = Effect.fnUntraced(function*(node: { readonly id: string; readonly kind: NodeKind; readonly parent?: string | undefined }) {
        const now = yield* nowMillis
        const existing = nodes.get(node.id)
        if (existing !== undefined) {
          // Coming back without having stopped cleanly is a restart
          if (existing.status !== "passivated" && existing.status !== "stopped") {
            existing.restarts++
            existing.restartTimes.push(now)
          }
          existing.status = "starting"
          existing.startedAt = now
          return existing
        }
        const report = blank(node.id, node.kind, node.parent ?? "runtime", now, "starting")
        nodes.set(node.id, report)
        return report
      })

      const snapshot = Effect.map(nowMillis, (now) => {
        const children = new Map<string, Array<NodeReport>>()
        // A node whose parent lives on another runner (a game actor whose orchestrator is elsewhere)
        // hangs under this runner
        const adopt = nodes.has("runner") ? "runner" : "runtime"
        for (const n of nodes.values()) {
          if (n.parent === undefined) continue
          const parent = nodes.has(n.parent) ? n.parent : adopt
          const list = children.get(parent) ?? []
          list.push(n)
          children.set(parent, list)
        }
        const build = (n: NodeReport): TreeNode => ({
          id: n.id,
          kind: n.kind,
          status: n.status,
          uptimeMs: Math.max(0, now - n.startedAt),
          restarts: n.restarts,
          ...(n.lastError === undefined ? {} : { lastError: n.lastError }),
          ...(n.mailboxDepth === undefined ? {} : { mailboxDepth: n.mailboxDepth }),
          ...(n.lastMessageAt === undefined ? {} : { lastMessageAgeMs: Math.max(0, now - n.lastMessageAt) }),
          ...(n.espnUpdatedAt === undefined ? {} : { espnAgeMs: Math.max(0, now - n.espnUpdatedAt) }),
          ...(n.bookUpdatedAt === undefined ? {} : { bookAgeMs: Math.max(0, now - n.bookUpdatedAt) }),
          ...(Object.keys(n.details).length === 0 ? {} : { details: n.details }),
          children: (children.get(n.id) ?? []).sort((a, b) => a.id.localeCompare(b.id)).map(build)
        })
        return build(nodes.get("runtime")!)
      })

      return Diagnostics.of({
        register,
        get: (id) => nodes.get(id),
        remove: (id) => Effect.sync(() => void nodes.delete(id)),
        snapshot
      })
    })
  )
}

const blank = (id: string, kind: NodeKind, parent: string | undefined, now: number, status: NodeStatus): NodeReport => ({
  id,
  kind,
  parent,
  status,
  startedAt: now,
  restarts: 0,
  lastError: undefined,
  mailboxDepth: undefined,
  lastMessageAt: undefined,
  espnUpdatedAt: undefined,
  bookUpdatedAt: undefined,
  details: {},
  restartTimes: []
})

const formatAge = (ms: number | undefined): string => {
  if (ms === undefined) return "-"
  if (ms < 1_000) return `${ms}ms`
  if (ms < 60_000) return `${Math.floor(ms / 1_000)}.${Math.floor((ms % 1_000) / 100)}s`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1_000)}s`
  return `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m`
}

/**
 * A readable tree for `arbees diagnostics --pretty`: one line per node, a game's teams and
 * markets under it.
 *
 * @category formatting
 */
export const formatTree = (root: TreeNode): string => {
  const lines: Array<string> = []
  const visit = (node: TreeNode, prefix: string, last: boolean, top: boolean) => {
    const facts = [
      node.status,
      `up ${formatAge(node.uptimeMs)}`,
      `restarts ${node.restarts}`,
      ...(node.mailboxDepth === undefined ? [] : [`mailbox ${node.mailboxDepth}`]),
      ...(node.lastMessageAgeMs === undefined ? [] : [`last msg ${formatAge(node.lastMessageAgeMs)} ago`]),
      ...(node.espnAgeMs === undefined ? [] : [`espn ${formatAge(node.espnAgeMs)}`]),
      ...(node.bookAgeMs === undefined ? [] : [`book ${formatAge(node.bookAgeMs)}`]),
      ...(node.lastError === undefined ? [] : [`last error: ${node.lastError.message}`])
    ]
    lines.push(`${top ? "" : prefix + (last ? "└─ " : "├─ ")}${node.id} [${node.kind}] ${facts.join(", ")}`)
    const childPrefix = top ? "" : prefix + (last ? "   " : "│  ")
    // A game's teams and markets, under its node
    const under = childPrefix + (node.children.length > 0 ? "│    " : "     ")
    const game = node.details?.["game"]
    const markets = node.details?.["markets"]
    if (typeof game === "string") {
      lines.push(`${under}game ${game}`)
      if (Array.isArray(markets)) for (const market of markets) if (typeof market === "string") lines.push(`${under}market ${market}`)
    }
    node.children.forEach((child, i) => visit(child, childPrefix, i === node.children.length - 1, false))
  }
  visit(root, "", true, true)
  return lines.join("\n")
}
