/**
 * `arbees migrate`: bring the database schema up to date and exit. The declaration only; the
 * implementation (`handlers/Migrate.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Command } from "effect/cli"
import { lazy } from "./Lazy.ts"

/** @category commands */
export const migrateCommand = Command.make("migrate", {}, () => lazy(() => import("./handlers/Migrate.ts"), (m) => m.migrateNow)).pipe(
  Command.withDescription("Apply pending database migrations (forward-only; re-running is a no-op)")
)
