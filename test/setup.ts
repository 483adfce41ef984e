import { addEqualityTesters } from "@effect/vitest"
import { afterAll, afterEach } from "vitest"
import * as LogReasons from "./support/LogReasons.ts"

addEqualityTesters()

// Every warning and error logged in a test has a non-empty reason, or that test fails
LogReasons.install()
afterEach(LogReasons.check)
afterAll(LogReasons.check)
