/**
 * Random edits of recorded frames, for the properties that hold each fast decoder to its Schema:
 * take a real message, set or delete a few fields (by dotted path) to values from a pool of
 * awkward ones, and compare what the two decoders make of it.
 */
import * as fc from "fast-check"

/** Values that sit on the boundaries of what the venue schemas accept. */
export const awkwardValues: ReadonlyArray<unknown> = [
  undefined, null, "", "0", "1", "0.5", "0.4300", "1.0000", "0.301", "1.01", "-0.5", "0.1234567", "13.00", "-54.00", "72612.49", "-3", "1000",
  "abc", "1e3", "1790658674035", "17906586740351234567", 0, 1, 42, 100, 101, -1, 1.5, 2 ** 53, 1669149841000, true, [], {},
  "yes", "no", "maybe", "BUY", "SELL", "buy", "sell", "Buy", "orderbook_delta", "orderbook_snapshot", "price_change", "book",
  [["0.5", "1.00"]], [["0.5", "1.00", "x"]], [[50, 1]], [["0.5", 1]], [["0.5"]], [null], [["2.0", "1"]],
  [{ price: "0.5", size: "1" }], [{ price: "0.5" }], [{ asset_id: "1", price: "0.5", size: "1", side: "BUY" }]
]

/** A deep copy of `base` with each `[path, value]` applied (`undefined` deletes the key). */
export const applyEdits = (base: unknown, edits: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> => {
  const o = structuredClone(base) as Record<string, unknown>
  for (const [path, value] of edits) {
    const keys = path.split(".")
    let node: any = o
    for (const k of keys.slice(0, -1)) {
      node = node?.[k]
      if (typeof node !== "object" || node === null) break
    }
    if (typeof node !== "object" || node === null) continue
    const last = keys.at(-1)!
    if (value === undefined) delete node[last]
    else node[last] = structuredClone(value)
  }
  return o
}

/** Up to three edits at the given paths. */
export const editsAt = (paths: ReadonlyArray<string>) => fc.array(fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...awkwardValues)), { maxLength: 3 })
