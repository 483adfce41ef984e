/**
 * Reaching the running instance from a command: its admin URL (from `<dataDir>/admin.json`, or
 * `admin.host:admin.port`, or `--url`) and a bounded GET that fails with one readable line.
 * Commands that need live data go through the running process: the embedded database takes one
 * connection, which the instance holds.
 *
 * @since 0.1.0
 */
import { Effect, Option, Schema } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import * as fs from "node:fs"
import { adminFile } from "../../AdminFile.ts"
import { AppConfig } from "../../../services/config/AppConfig.ts"

/** @category errors */
export class InstanceUnreachable extends Schema.TaggedError<InstanceUnreachable>()("InstanceUnreachable", {
  message: Schema.String
}) {}

/** The admin base URL of the running instance. @category instance */
export const adminUrl = (explicit: Option.Option<string>) =>
  Effect.gen(function*() {
    if (Option.isSome(explicit)) return explicit.value.replace(/\/+$/, "")
    const { config } = yield* AppConfig
    const file = adminFile(config.dataDir)
    if (fs.existsSync(file)) {
      const advertised = JSON.parse(fs.readFileSync(file, "utf8")) as { url?: string }
      if (typeof advertised.url === "string") return advertised.url.replace(/\/+$/, "")
    }
    return `http://${config.admin.host}:${config.admin.port}`
  })

/** GETs `path` from the instance at `base`: its body, or one line saying why not. @category instance */
export const getText = (base: string, path: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    return yield* client.execute(HttpClientRequest.get(`${base}${path}`)).pipe(
      Effect.flatMap((response): Effect.Effect<string, unknown> =>
        response.status === 200 ? response.text : Effect.fail(new InstanceUnreachable({ message: `${base} answered HTTP ${response.status} to ${path}` }))
      ),
      Effect.timeout("5 seconds"),
      Effect.mapError((e) =>
        e instanceof InstanceUnreachable ? e : new InstanceUnreachable({ message: `no running arbees at ${base}: ${e instanceof Error ? e.message : String(e)}` })
      )
    )
  })
