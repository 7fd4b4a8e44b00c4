/**
 * Charts drawn as SVG on the server for the HTML reports, with ECharts' DOM-free server-side
 * rendering, from the shared chart options.
 */
import * as echarts from 'echarts'
import { chartOption } from './chart-options.js'
import type { ChartSpec } from './model.js'

export { chartOption }

/** The chart as a self-contained SVG string. */
export function chartSvg(spec: ChartSpec, width = 520, height = 240): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption(chartOption(spec))
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
