/**
 * The ECharts the dashboard needs, and only that: line, bar and graph charts with their
 * components, drawn as SVG (crisp, inspectable, accessible). A fraction of the full bundle.
 */
import { BarChart, GraphChart, LineChart } from 'echarts/charts'
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'

echarts.use([
  BarChart,
  GraphChart,
  LineChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
])

export type { EChartsOption } from 'echarts'
export { echarts }
