import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/*
 * ECharts with only what the report draws (bars, lines, a scatter, axes, legend, tooltip) on the canvas renderer:
 * the whole library would add several times as much to the experiment page. A series or component added to
 * chartOptions.ts is registered here too.
 */
use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { init };
