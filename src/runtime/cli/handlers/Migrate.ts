/**
 * The implementation of `arbees migrate`: bring the database schema up to date and exit.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Database } from "../../../services/database/Database.ts"
import { migrate } from "../../../services/database/Migrations.ts"
import { configured } from "../Configured.ts"

/** `arbees migrate`. @category commands */
export const migrateNow = Effect.gen(function*() {
  const database = yield* Database
  const applied = yield* migrate()
  yield* Console.log(
    applied.length === 0
      ? `schema up to date (${database.kind} ${database.target})`
      : `applied migrations ${applied.join(", ")} (${database.kind} ${database.target})`
  )
}).pipe(Effect.provide(Database.layer), Effect.provide(configured({ stderr: true })))
