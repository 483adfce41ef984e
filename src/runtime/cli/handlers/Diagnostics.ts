/**
 * The implementation of `arbees diagnostics`: the live supervision tree of a running instance,
 * read from its admin endpoint.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Console, Effect, Option } from "effect"
import { configured } from "../Configured.ts"
import { adminUrl, getText } from "./Instance.ts"

/** `arbees diagnostics`. @category commands */
export const diagnostics = ({ pretty, url }: { readonly pretty: boolean; readonly url: Option.Option<string> }) =>
  Effect.gen(function*() {
    const base = yield* adminUrl(url)
    const body = yield* getText(base, `/diagnostics${pretty ? "?pretty" : ""}`)
    yield* Console.log(body.trimEnd())
  }).pipe(Effect.provide(NodeHttpClient.layerUndici), Effect.provide(configured({ stderr: true })))
