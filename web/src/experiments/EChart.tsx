import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef } from 'react';
import { init } from './echarts.ts';

/** What a click on a chart's item reports: the item's own data (with whatever the option put on it). */
export interface ChartClick {
  data?: unknown;
  dataIndex: number;
  seriesName?: string;
}

/**
 * One ECharts chart: created on mount, given a new option whenever `option` changes (pass a memoised one),
 * resized with its box, disposed on unmount. The chart's text is a canvas, so `label` describes it to assistive
 * technology. The option's series must be registered (echarts.ts, or a sibling module imported before the chart
 * mounts, as the optimiser's tree is).
 */
export function EChart({
  option,
  label,
  height = 280,
  onClick,
}: {
  option: EChartsCoreOption;
  label: string;
  height?: number;
  /** Called when an item (a point, a bar, a tree node) is clicked. */
  onClick?: (click: ChartClick) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  useEffect(() => {
    const element = box.current!;
    const instance = init(element, null, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => click.current?.(params as unknown as ChartClick));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={box} className="echart" style={{ height }} role="img" aria-label={label} />;
}
