/**
 * Chart definitions, once: a ChartSpec becomes an ECharts option here. The reports draw it as SVG
 * on the server (charts.ts) and the dashboard draws the same option in the browser. Animation is
 * off so the server draws the final frame. Only types come from ECharts here, so the dashboard
 * can bundle just the chart kinds it uses.
 */
import type { EChartsOption } from 'echarts'
import type { ChartSpec } from './model.js'

const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#dc2626', '#0891b2']

export function chartOption(spec: ChartSpec): EChartsOption {
  return {
    animation: false,
    color: PALETTE,
    aria: { enabled: true, label: { description: `${spec.title} (${spec.unit})` } },
    title: { text: spec.title, left: 8, top: 4, textStyle: { fontSize: 13, fontWeight: 600 } },
    grid: { left: 56, right: 20, top: 58, bottom: spec.series.length > 1 ? 52 : 32 },
    legend: spec.series.length > 1 ? { bottom: 4, itemWidth: 14, textStyle: { fontSize: 11 } } : undefined,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: spec.categories, axisLabel: { fontSize: 11 } },
    yAxis: {
      type: 'value',
      name: spec.unit,
      nameTextStyle: { fontSize: 11, align: 'left' },
      nameGap: 10,
      axisLabel: { fontSize: 11 },
    },
    series: spec.series.map((s, i) => ({
      ...(i === 0 && spec.bands
        ? {
            markArea: {
              silent: true,
              label: { position: 'insideTopRight', fontSize: 10, color: '#4b5563' },
              data: spec.bands.map((band) => [
                {
                  name: band.label,
                  yAxis: band.from ?? 'min',
                  itemStyle: { color: band.color, opacity: 0.12 },
                },
                { yAxis: band.to ?? 'max' },
              ]),
            },
          }
        : {}),
      name: s.name,
      type: spec.kind,
      data: s.values,
      connectNulls: false,
      symbolSize: 6,
      ...(i === 0 && spec.target !== undefined
        ? {
            markLine: {
              symbol: 'none',
              label: { formatter: 'target', fontSize: 10, position: 'insideEndTop' },
              lineStyle: { type: 'dashed', color: '#6b7280' },
              data: [{ yAxis: spec.target }],
            },
          }
        : {}),
    })),
  }
}
