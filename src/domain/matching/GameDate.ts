/**
 * Calendar dates of game instants, as venues write them. Kalshi tickers and Polymarket slugs use
 * the US Eastern date of the game; some venues use UTC. A date check accepts either, never
 * anything else.
 *
 * @since 0.1.0
 */

const eastern = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit" })
const easternTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "America/New_York",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23"
})

/** `YYYY-MM-DD` in UTC. @category dates */
export const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** `YYYY-MM-DD` in America/New_York. @category dates */
export const easternDate = (ms: number): string => eastern.format(new Date(ms))

/** `HHMM` in America/New_York. @category dates */
export const easternHHMM = (ms: number): string => easternTime.format(new Date(ms)).replace(":", "")

/** Whether `date` is the game's Eastern or UTC date. @category dates */
export const isGameDate = (startTime: number, date: string): boolean => easternDate(startTime) === date || utcDate(startTime) === date

/** Minutes between two `HHMM` clock times on the same day (absolute). @category dates */
export const minutesBetween = (a: string, b: string): number =>
  Math.abs(Number(a.slice(0, 2)) * 60 + Number(a.slice(2)) - (Number(b.slice(0, 2)) * 60 + Number(b.slice(2))))
