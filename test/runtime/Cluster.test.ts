/**
 * The runner port's exposure, judged from its bind address: loopback and private ranges stay
 * quiet, a public address or all interfaces are warned about at start-up.
 */
import { assert, describe, it } from "vitest"
import { runnerExposure } from "../../src/runtime/Cluster.ts"

describe("runnerExposure", () => {
  it("tells loopback, private, public and all-interfaces addresses apart", () => {
    const cases: ReadonlyArray<[string, ReturnType<typeof runnerExposure>]> = [
      ["127.0.0.1", "loopback"],
      ["localhost", "loopback"],
      ["::1", "loopback"],
      ["[::1]", "loopback"],
      ["10.0.3.7", "private"],
      ["172.16.0.1", "private"],
      ["172.31.255.254", "private"],
      ["192.168.1.20", "private"],
      ["100.64.0.9", "private"],
      ["fd12:3456::1", "private"],
      ["0.0.0.0", "all interfaces"],
      ["::", "all interfaces"],
      ["172.32.0.1", "public"],
      ["8.8.8.8", "public"],
      ["2001:db8::1", "public"],
      ["runner-1.internal", "unknown"]
    ]
    for (const [host, expected] of cases) assert.strictEqual(runnerExposure(host), expected, host)
  })
})
