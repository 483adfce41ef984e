import { execFileSync } from "node:child_process"

/** CLI tests run the real build (`node dist/main.js`), so build it once if it is stale. */
export default function setup() {
  execFileSync(process.execPath, ["scripts/build-if-needed.ts"], { stdio: "inherit" })
}
