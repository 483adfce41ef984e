/**
 * A time-series chart on uPlot: x in epoch milliseconds, one line per series, gaps where a series
 * has no value. Redraws in place when the data changes.
 */
import { useEffect, useRef } from "preact/hooks"
import uPlot from "uplot"

export interface Series {
  readonly label: string
  readonly color: string
  /** Values aligned with the x axis; null where the series has no point (the line joins across it) */
  readonly values: ReadonlyArray<number | null>
}

export const Chart = (props: {
  readonly title: string
  readonly x: ReadonlyArray<number>
  readonly series: ReadonlyArray<Series>
  readonly height?: number
  readonly yRange?: readonly [number, number]
  readonly format?: (v: number) => string
  readonly testId?: string
}) => {
  const host = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const labels = props.series.map((s) => s.label).join("|")

  useEffect(() => {
    if (host.current === null) return
    const options: uPlot.Options = {
      title: props.title,
      width: Math.max(320, host.current.clientWidth),
      height: props.height ?? 260,
      scales: { x: { time: true }, ...(props.yRange === undefined ? {} : { y: { range: [props.yRange[0], props.yRange[1]] } }) },
      axes: [
        { stroke: "#9aa4b2", grid: { stroke: "#2a3140" } },
        { stroke: "#9aa4b2", grid: { stroke: "#2a3140" }, ...(props.format === undefined ? {} : { values: (_u: uPlot, ticks: Array<number>) => ticks.map(props.format!) }) }
      ],
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true }))]
    }
    plot.current = new uPlot(options, toData(props.x, props.series), host.current)
    const resize = () => plot.current?.setSize({ width: Math.max(320, host.current?.clientWidth ?? 320), height: props.height ?? 260 })
    window.addEventListener("resize", resize)
    return () => {
      window.removeEventListener("resize", resize)
      plot.current?.destroy()
      plot.current = null
    }
  }, [labels, props.title])

  useEffect(() => {
    plot.current?.setData(toData(props.x, props.series))
  }, [props.x, props.series])

  return <div class="chart" data-testid={props.testId} data-series={props.series.length} ref={host} />
}

// uPlot takes seconds on a time axis
const toData = (x: ReadonlyArray<number>, series: ReadonlyArray<Series>): uPlot.AlignedData =>
  [x.map((t) => t / 1000), ...series.map((s) => s.values.map((v) => (v === null ? null : v)))] as unknown as uPlot.AlignedData
