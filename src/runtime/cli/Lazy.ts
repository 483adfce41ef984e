/**
 * Loading a command's implementation only when that command runs.
 *
 * The command tree (`Cli.ts` and the `*Command.ts` modules) declares names, flags and help, and
 * nothing else: `arbees --help` or `arbees config` must not load the runtime, the venue clients or
 * the database driver. Each handler imports its implementation with {@link lazy}.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"

/**
 * Imports a module when the effect runs and continues with it.
 *
 * @category loading
 */
export const lazy = <M, A, E, R>(load: () => Promise<M>, use: (module: M) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.promise(load), use)
