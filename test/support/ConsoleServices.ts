/**
 * What the operator API and the dashboard read from, for their tests: the read model and the event
 * feed over a migrated real Postgres and the in-process bus, with config `overrides`.
 */
import { NodeServices } from "@effect/platform-node"
import { Layer } from "effect"
import { Alert } from "../../src/actors/Events.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { EventFeed } from "../../src/services/console/EventFeed.ts"
import { ReadModel } from "../../src/services/console/ReadModel.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import * as TestDatabase from "./TestDatabase.ts"

export const consoleServices = (overrides: Record<string, string> = {}, feedWindow?: number) =>
  Layer.mergeAll(ReadModel.layer, EventFeed.layer([Alert], feedWindow)).pipe(
    Layer.provideMerge(EventBus.layerMemory),
    Layer.provideMerge(DeadLetters.layer),
    Layer.provideMerge(Diagnostics.layer),
    Layer.provideMerge(AppConfig.layerTest({ "bus.block": "20ms", ...overrides })),
    Layer.provideMerge(Layer.effectDiscard(migrate())),
    Layer.provideMerge(TestDatabase.postgres),
    Layer.provideMerge(NodeServices.layer),
    Layer.orDie
  )
