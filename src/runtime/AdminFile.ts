/**
 * Where a running instance advertises its admin address (`<dataDir>/admin.json`), so commands that
 * talk to it (`arbees diagnostics`, `arbees status`) find it even when the OS chose the port.
 *
 * @since 0.1.0
 */
import * as nodePath from "node:path"

/** @category files */
export const adminFile = (dataDir: string): string => nodePath.join(nodePath.resolve(dataDir), "admin.json")
