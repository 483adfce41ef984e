/**
 * The implementation of `arbees diagnostics`: the live supervision tree of a running instance,
 * read from its admin endpoint (found through `<dataDir>/admin.json`, or `admin.host:admin.port`,
 * or `--url`).
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Console, Effect, Option, Schema } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import * as fs from "node:fs"
import { adminFile } from "../../AdminFile.ts"
import { AppConfig } from "../../../services/config/AppConfig.ts"
import { configured } from "../Configured.ts"

/** @category errors */
export class InstanceUnreachable extends Schema.TaggedError<InstanceUnreachable>()("InstanceUnreachable", {
  message: Schema.String
}) {}

/** The admin base URL of the running instance. */
const adminUrl = Effect.gen(function*() {
  const { config } = yield* AppConfig
  const file = adminFile(config.dataDir)
  if (fs.existsSync(file)) {
    const advertised = JSON.parse(fs.readFileSync(file, "utf8")) as { url?: string }
    if (typeof advertised.url === "string") return advertised.url
  }
  return `http://${config.admin.host}:${config.admin.port}`
})

/** `arbees diagnostics`. @category commands */
export const diagnostics = ({ pretty, url }: { readonly pretty: boolean; readonly url: Option.Option<string> }) =>
  Effect.gen(function*() {
    const base = Option.isSome(url) ? url.value : yield* adminUrl
    const client = yield* HttpClient.HttpClient
    const request = HttpClientRequest.get(`${base.replace(/\/+$/, "")}/diagnostics${pretty ? "?pretty" : ""}`)
    const body = yield* client.execute(request).pipe(
      Effect.flatMap((response): Effect.Effect<string, unknown> =>
        response.status === 200
          ? response.text
          : Effect.fail(new InstanceUnreachable({ message: `${base} answered HTTP ${response.status}` }))
      ),
      Effect.timeout("5 seconds"),
      Effect.mapError((e) =>
        e instanceof InstanceUnreachable ? e : new InstanceUnreachable({ message: `no running arbees at ${base}: ${e instanceof Error ? e.message : String(e)}` })
      )
    )
    yield* Console.log(body.trimEnd())
  }).pipe(Effect.provide(NodeHttpClient.layerUndici), Effect.provide(configured({ stderr: true })))
