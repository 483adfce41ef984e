#!/usr/bin/env node
/**
 * Entry point: `node dist/main.js <command>`.
 *
 * This module checks the Node version before anything else is loaded (older Nodes fail later in
 * confusing ways, after touching the database), then loads the CLI. Signals interrupt the main
 * fiber and every layer shuts down in order; a signal-driven shutdown that completes exits 0. A
 * failure prints one line (the full cause only at debug log level) and exits 1.
 *
 * @since 0.1.0
 */
import module from "node:module"

const REQUIRED_MAJOR = 24
const major = Number(process.versions.node.split(".")[0])
if (!(major >= REQUIRED_MAJOR)) {
  process.stderr.write(
    `arbees: needs Node.js ${REQUIRED_MAJOR} or newer, but ${process.execPath} is ${process.version}; ` +
      `run it with the project's own Node: npm start -- <command>, or npx arbees <command>\n`
  )
  process.exit(1)
}

// V8's code cache on disk (the OS temp directory): later starts skip most parsing and compiling
module.enableCompileCache()

const { start } = await import("./runtime/cli/Process.ts")
start(process.argv.slice(2))
