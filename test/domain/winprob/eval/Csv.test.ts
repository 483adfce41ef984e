import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { CountText, decodeCsv, DecimalText, LogicalText, parseCsv } from "../../../../src/domain/winprob/eval/Csv.ts"

describe("parseCsv", () => {
  it("handles quotes, doubled quotes, empty fields and CRLF", () => {
    assert.deepStrictEqual(parseCsv("a,b,c\r\n1,\"x, \"\"y\"\"\",\n2,,z\n"), [["a", "b", "c"], ["1", "x, \"y\"", ""], ["2", "", "z"]])
  })

  it("keeps a last line without a newline", () => {
    assert.deepStrictEqual(parseCsv("a\n1"), [["a"], ["1"]])
  })
})

describe("decodeCsv", () => {
  const Row = Schema.Struct({ n: CountText, x: DecimalText, ok: LogicalText })

  it("decodes rows by header name and reports each rejected row with its line", () => {
    const r = decodeCsv("ok,n,x,extra\nTRUE,3,1.5,a\nFALSE,-1,2,b\nTRUE,4,NA,c\nFALSE,0,0,d\n", ["n", "x", "ok"], Row)
    assert.isTrue(Result.isSuccess(r))
    const { rows, rejected } = Result.getOrThrow(r)
    assert.deepStrictEqual(rows, [{ n: 3, x: 1.5, ok: true }, { n: 0, x: 0, ok: false }])
    assert.deepStrictEqual(rejected.map((x) => x.line), [3, 4])
  })

  it("fails when a needed column is missing", () => {
    const r = decodeCsv("n,x\n1,2\n", ["n", "x", "ok"], Row)
    assert.isTrue(Result.isFailure(r))
    assert.strictEqual(Result.isFailure(r) ? r.failure : "", "missing columns ok")
  })

  it("never reads an empty field as zero", () => {
    const r = Result.getOrThrow(decodeCsv("n,x,ok\n,1,TRUE\n", ["n", "x", "ok"], Row))
    assert.strictEqual(r.rows.length, 0)
    assert.strictEqual(r.rejected.length, 1)
  })
})
