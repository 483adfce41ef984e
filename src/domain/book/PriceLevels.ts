/**
 * One side of an order book: exact integer price levels and their aggregate sizes.
 *
 * **Data structure.** Two parallel typed arrays (`Int32Array` keys, `Float64Array` sizes) kept
 * sorted so that the *best* level is always the last element. Bids store the price as the key
 * (ascending, best = highest = last); asks store the negated price (ascending keys, best = lowest
 * price = last). This is exactly the order both venues send (Kalshi bids ascending; Polymarket bids
 * ascending and asks descending), so a snapshot loads with one pass and no sort.
 *
 * **Complexity** (n = levels on the side, d = levels between the touched price and the touch):
 *
 * | operation | cost |
 * | --- | --- |
 * | best price / size (top of book) | O(1) |
 * | depth walk of k levels from the touch | O(k), sequential memory |
 * | find a level (size at price) | O(log n) binary search |
 * | change an existing level's size | O(log n) |
 * | insert or remove a level | O(log n) search + a `copyWithin` shift of d elements |
 * | snapshot load (already sorted) | O(n) |
 *
 * Live updates cluster at the touch, so d is small in practice; the shift is one `memmove` over
 * contiguous memory and beats pointer-based trees for the books these venues publish (tens to a few
 * hundred levels). No allocation happens per update: the arrays only grow (doubling) when a side
 * first outgrows them.
 *
 * Prices are `Price` micro-dollars (0..1_000_000), sizes `Qty` micro-units (safe integers, stored
 * exactly in a Float64Array). Sub-cent levels (0.999 vs 0.99) are distinct keys, never merged.
 *
 * @since 0.1.0
 */

/** Returned by the level accessors when there is no such level. @category constants */
export const NO_PRICE = -1

/** Which side a {@link PriceLevels} holds; it decides what "best" means. @category models */
export type BookSide = "bid" | "ask"

/** Shifts of up to this many levels are done in a loop; longer ones with `copyWithin`. */
const SHORT_MOVE = 24

/** The result of a signed size change. @category models */
export type AddResult = "ok" | "negative" | "overflow"

/**
 * One side of a book. Mutable, owned by exactly one book; never shared across fibers.
 *
 * @category models
 */
export class PriceLevels {
  readonly side: BookSide
  private keys: Int32Array
  private sizes: Float64Array
  private n = 0
  private readonly sign: 1 | -1

  constructor(side: BookSide, capacity = 32) {
    this.side = side
    this.sign = side === "bid" ? 1 : -1
    this.keys = new Int32Array(capacity)
    this.sizes = new Float64Array(capacity)
  }

  /** Number of non-empty levels. */
  get length(): number {
    return this.n
  }

  /** Removes every level (a snapshot starts from nothing: no ghost levels survive). */
  clear(): void {
    this.n = 0
  }

  /** Best price, or {@link NO_PRICE} when the side is empty. O(1). */
  bestPrice(): number {
    return this.n === 0 ? NO_PRICE : this.sign * this.keys[this.n - 1]!
  }

  /** Size at the best price, or 0 when the side is empty. O(1). */
  bestSize(): number {
    return this.n === 0 ? 0 : this.sizes[this.n - 1]!
  }

  /** The price `depth` levels away from the touch (0 = best), or {@link NO_PRICE}. O(1). */
  priceAt(depth: number): number {
    const i = this.n - 1 - depth
    return i < 0 || depth < 0 ? NO_PRICE : this.sign * this.keys[i]!
  }

  /** The size `depth` levels away from the touch (0 = best), or 0. O(1). */
  sizeAt(depth: number): number {
    const i = this.n - 1 - depth
    return i < 0 || depth < 0 ? 0 : this.sizes[i]!
  }

  /** The aggregate size resting at `price`, or 0. O(log n). */
  sizeAtPrice(price: number): number {
    const i = this.indexOf(this.sign * price)
    return i >= 0 ? this.sizes[i]! : 0
  }

  /**
   * Sets the absolute size at `price` (Polymarket `price_change`, snapshots); 0 removes the level.
   */
  set(price: number, size: number): void {
    const key = this.sign * price
    const i = this.indexOf(key)
    if (i >= 0) {
      if (size === 0) this.removeAt(i)
      else this.sizes[i] = size
    } else if (size !== 0) {
      this.insertAt(~i, key, size)
    }
  }

  /**
   * Adds a signed increment to the size at `price` (Kalshi `orderbook_delta`). A result of 0
   * removes the level. A result below 0 means the stream and the book disagree: nothing changes
   * and `"negative"` is returned so the caller can resync.
   */
  add(price: number, delta: number): AddResult {
    const key = this.sign * price
    const i = this.indexOf(key)
    const current = i >= 0 ? this.sizes[i]! : 0
    const next = current + delta
    if (!Number.isSafeInteger(next)) return "overflow"
    if (next < 0) return "negative"
    if (i >= 0) {
      if (next === 0) this.removeAt(i)
      else this.sizes[i] = next
    } else if (next !== 0) {
      this.insertAt(~i, key, next)
    }
    return "ok"
  }

  /**
   * Replaces the side with `count` levels from parallel arrays, in wire order (worst first, best
   * last). Levels of size 0 are skipped. Out-of-order input is inserted one by one; a price that
   * appears twice makes the load fail (returns `false`, side left empty): an aggregated book has one
   * entry per price.
   */
  load(prices: ArrayLike<number>, sizes: ArrayLike<number>, count: number): boolean {
    this.n = 0
    this.ensure(count)
    let last = -Infinity
    let sorted = true
    for (let j = 0; j < count; j++) {
      const size = sizes[j]!
      if (size === 0) continue
      const key = this.sign * prices[j]!
      if (key <= last) {
        sorted = false
        break
      }
      this.keys[this.n] = key
      this.sizes[this.n] = size
      this.n++
      last = key
    }
    if (sorted) return true
    this.n = 0
    for (let j = 0; j < count; j++) {
      const size = sizes[j]!
      if (size === 0) continue
      const key = this.sign * prices[j]!
      const i = this.indexOf(key)
      if (i >= 0) {
        this.n = 0
        return false
      }
      this.insertAt(~i, key, size)
    }
    return true
  }

  /**
   * Calls `f(price, size)` for up to `maxLevels` levels from the touch; stops early when `f`
   * returns `false`. O(k).
   */
  walk(maxLevels: number, f: (price: number, size: number) => boolean | void): void {
    const k = Math.min(maxLevels, this.n)
    for (let d = 0; d < k; d++) {
      const i = this.n - 1 - d
      if (f(this.sign * this.keys[i]!, this.sizes[i]!) === false) return
    }
  }

  /** Copies the other side's levels into this one (same side only). */
  copyFrom(other: PriceLevels): void {
    if (other.side !== this.side) throw new RangeError("PriceLevels.copyFrom: sides differ")
    this.ensure(other.n)
    this.keys.set(other.keys.subarray(0, other.n))
    this.sizes.set(other.sizes.subarray(0, other.n))
    this.n = other.n
  }

  /** Binary search over the ascending keys: the index, or `~insertionPoint` when absent. */
  private indexOf(key: number): number {
    const keys = this.keys
    let lo = 0
    let hi = this.n - 1
    // Most updates touch the best few levels: check the top before bisecting
    if (hi >= 0) {
      const top = keys[hi]!
      if (key === top) return hi
      if (key > top) return ~this.n
    }
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const k = keys[mid]!
      if (k < key) lo = mid + 1
      else if (k > key) hi = mid - 1
      else return mid
    }
    return ~lo
  }

  private insertAt(i: number, key: number, size: number): void {
    this.ensure(this.n + 1)
    const keys = this.keys
    const sizes = this.sizes
    if (this.n - i > SHORT_MOVE) {
      keys.copyWithin(i + 1, i, this.n)
      sizes.copyWithin(i + 1, i, this.n)
    } else {
      // A few elements near the touch: a plain loop beats the call into copyWithin
      for (let j = this.n; j > i; j--) {
        keys[j] = keys[j - 1]!
        sizes[j] = sizes[j - 1]!
      }
    }
    keys[i] = key
    sizes[i] = size
    this.n++
  }

  private removeAt(i: number): void {
    const keys = this.keys
    const sizes = this.sizes
    if (this.n - 1 - i > SHORT_MOVE) {
      keys.copyWithin(i, i + 1, this.n)
      sizes.copyWithin(i, i + 1, this.n)
    } else {
      for (let j = i; j < this.n - 1; j++) {
        keys[j] = keys[j + 1]!
        sizes[j] = sizes[j + 1]!
      }
    }
    this.n--
  }

  private ensure(capacity: number): void {
    if (capacity <= this.keys.length) return
    let next = this.keys.length * 2
    while (next < capacity) next *= 2
    const keys = new Int32Array(next)
    const sizes = new Float64Array(next)
    keys.set(this.keys.subarray(0, this.n))
    sizes.set(this.sizes.subarray(0, this.n))
    this.keys = keys
    this.sizes = sizes
  }
}
