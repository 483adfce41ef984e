/**
 * Parallel price/size arrays that grow on demand: where the fast decoders put a snapshot's levels,
 * so that decoding allocates nothing per level.
 *
 * @since 0.1.0
 */

/** @category models */
export class LevelBuffer {
  prices = new Float64Array(64)
  sizes = new Float64Array(64)
  count = 0

  push(price: number, size: number): void {
    if (this.count === this.prices.length) {
      const prices = new Float64Array(this.count * 2)
      const sizes = new Float64Array(this.count * 2)
      prices.set(this.prices)
      sizes.set(this.sizes)
      this.prices = prices
      this.sizes = sizes
    }
    this.prices[this.count] = price
    this.sizes[this.count] = size
    this.count++
  }

  /** Replaces the contents with `[price, size]` pairs. */
  fill(levels: ReadonlyArray<readonly [number, number]>): void {
    this.count = 0
    for (const [price, size] of levels) this.push(price, size)
  }
}
