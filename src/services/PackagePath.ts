/**
 * Files shipped at the package root (`migrations/`, `data/`), found from any module: the sources
 * under `src/`, or the bundled chunks under `dist/`, which sit at a different depth.
 *
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The nearest `relative` path at or above the directory of the module `moduleUrl`.
 *
 * @category files
 */
export const packagePath = (moduleUrl: string, relative: string): string => {
  const start = dirname(fileURLToPath(moduleUrl))
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, relative)
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) return join(start, relative)
  }
}
