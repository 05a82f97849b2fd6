import { TreeChart } from 'echarts/charts';
import { TooltipComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/*
 * The tree series, registered beside the report's charts (experiments/echarts.ts) by the optimiser's lineage only:
 * the experiment and search pages do not load it. Import this module before a tree chart mounts.
 */
use([TreeChart, TooltipComponent, CanvasRenderer]);
