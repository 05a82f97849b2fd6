import type { EChartsType } from 'echarts/core';
import { useEffect, useRef } from 'react';
import type { ChartOption } from './chartOptions.ts';
import { init } from './echarts.ts';

/**
 * One ECharts chart: created on mount, given a new option whenever `option` changes (pass a memoised one),
 * resized with its box, disposed on unmount. The chart's text is a canvas, so `label` describes it to assistive
 * technology.
 */
export function EChart({
  option,
  label,
  height = 280,
}: {
  option: ChartOption;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  useEffect(() => {
    const element = box.current!;
    const instance = init(element, null, { renderer: 'canvas' });
    chart.current = instance;
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
