/**
 * Splits a SQL script into statements.
 *
 * The Postgres driver speaks the extended query protocol, which runs one statement at a time, so
 * a migration file is split first. The splitter understands what can hide a `;`: single-quoted
 * strings (with `''` and, in `E'...'`, backslash escapes), quoted identifiers, dollar-quoted bodies
 * (`$$ ... $$`, `$tag$ ... $tag$`), and `--` and nested `/* *\/` comments.
 *
 * @since 0.1.0
 */

/** @category parsing */
export const splitStatements = (script: string): Array<string> => {
  const statements: Array<string> = []
  let start = 0
  let i = 0
  const n = script.length
  const push = (end: number) => {
    const text = script.slice(start, end).trim()
    if (stripComments(text).trim().length > 0) statements.push(text)
    start = end + 1
  }
  while (i < n) {
    const c = script[i]!
    const next = script[i + 1]
    if (c === "-" && next === "-") {
      const eol = script.indexOf("\n", i)
      i = eol === -1 ? n : eol + 1
    } else if (c === "/" && next === "*") {
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (script[i] === "/" && script[i + 1] === "*") {
          depth++
          i += 2
        } else if (script[i] === "*" && script[i + 1] === "/") {
          depth--
          i += 2
        } else i++
      }
    } else if (c === "'") {
      const escapes = i > 0 && (script[i - 1] === "E" || script[i - 1] === "e")
      i++
      while (i < n) {
        if (escapes && script[i] === "\\") i += 2
        else if (script[i] === "'" && script[i + 1] === "'") i += 2
        else if (script[i] === "'") break
        else i++
      }
      i++
    } else if (c === '"') {
      i++
      while (i < n && !(script[i] === '"' && script[i + 1] !== '"')) i += script[i] === '"' ? 2 : 1
      i++
    } else if (c === "$") {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64))
      if (tag === null) {
        i++
      } else {
        const close = script.indexOf(tag[0], i + tag[0].length)
        if (close === -1) throw new SyntaxError(`unterminated dollar-quoted string ${tag[0]}`)
        i = close + tag[0].length
      }
    } else if (c === ";") {
      push(i)
      i++
    } else {
      i++
    }
  }
  push(n)
  return statements
}

const stripComments = (text: string): string => text.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "")
