/**
 * Which venue trades live, and which bankroll account each venue's money is kept in.
 *
 * A venue trades live when `mode=live` (the separate authorisation is enforced when the
 * configuration loads) and its credentials are configured: Kalshi `kalshi.keyId` (with
 * `kalshi.privateKey` or `kalshi.privateKeyFile`), Polymarket `polymarket.walletPrivateKey` (with
 * `polymarket.apiKey`, `apiSecret` and `apiPassphrase`, or none of them: then the API key is derived
 * from the wallet at start-up). A venue without credentials stays paper-only, in live mode too.
 *
 * A live venue's money is its own account, `live:<platform>`, opened at the venue's balance by the
 * first start-up reconciliation; the paper venues keep `bankroll.account`. Every posting of an
 * order, fill, reservation and settlement goes to the account of the order's venue.
 *
 * @since 0.1.0
 */
import type { Platform } from "../../schema/Platform.ts"
import type { Config } from "../config/AppConfig.ts"

/** Where each venue's money is booked. @category models */
export interface AccountBook {
  /** The paper account (`bankroll.account`) */
  readonly account: string
  /** The venues trading live (their money in `live:<platform>`); absent or empty: none */
  readonly live?: ReadonlySet<Platform> | undefined
}

/** The account of a live venue. @category accounts */
export const liveAccount = (platform: Platform): string => `live:${platform}`

/** The account an order on `platform` is booked in. @category accounts */
export const accountOf = (books: AccountBook, platform: Platform): string =>
  books.live?.has(platform) === true ? liveAccount(platform) : books.account

/** Every account the books use: the paper one, then the live ones. @category accounts */
export const accountsOf = (books: AccountBook): ReadonlyArray<string> =>
  [books.account, ...[...(books.live ?? [])].sort().map(liveAccount)]

/** Whether the configuration holds credentials for the venue (not whether they load). @category config */
export const hasCredentials = (config: Config, platform: Platform): boolean =>
  platform === "kalshi" ? config.kalshi.keyId !== undefined : config.polymarket.walletPrivateKey !== undefined

/** The venues that trade live under this configuration. @category config */
export const liveVenues = (config: Config): ReadonlySet<Platform> =>
  new Set(config.mode === "live" ? (["kalshi", "polymarket"] as const).filter((p) => hasCredentials(config, p)) : [])

/** The books of this configuration. @category config */
export const accountBookOf = (config: Config): AccountBook => ({ account: config.bankroll.account, live: liveVenues(config) })
