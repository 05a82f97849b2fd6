import fs from 'node:fs';
import { type Browser, chromium } from '@playwright/test';

/** How long, after the report is rendered, the charts' pixels are watched for the end of their animation. */
const WATCH_MS = 1_500;

/** From navigation start, in ms (main-thread clock of the page). */
export interface PageLoad {
  /** The frame after the one that first showed the table, the matrix and every chart (see probeReport). */
  rendered: number;
  /** Start of the first frame at which each was there. */
  table: number;
  matrix: number;
  charts: number;
  /** Start of the first frame from which every chart's pixels stayed the same (their animation over). */
  chartsAtRest: number;
  firstPaint: number;
  appReady: number;
  reportReceived: number;
  itemsReceived: number;
  /** The chunk with ECharts (`ReportCharts-*.js`): request started and response received. */
  chartsChunk: [number, number];
  /** Script the page downloaded, in kB. */
  scriptKb: number;
  /** What the page said: arms in the table, task rows in the matrix legend, charts drawn. */
  shown: { arms: number; legend: string; charts: number; matrixTop: number; chartsTop: number };
}

/**
 * Installed before the page loads. At the start of every animation frame it checks what the page shows:
 *
 * - *table*: the goal-completion table (`[data-testid="report-table"]`) has one body per arm;
 * - *matrix*: the task × arm matrix (`[data-testid="task-matrix"]`) has a task row with a cell per arm;
 * - *charts*: no chart placeholder is left, both report charts are mounted, the inference-server section has
 *   its charts or says it has none, and every chart's canvas has a size and a painted pixel (ECharts draws in
 *   `setOption`, so a canvas with pixels has been drawn).
 *
 * The first frame at which all three hold paints them; *rendered* is when that frame's main-thread work is over
 * (a message posted from its `requestAnimationFrame` callback, run after style, layout and paint). The
 * compositor presents it after that. Then the charts' pixels are read every frame for WATCH_MS, to date the end
 * of their entry animation.
 */
function probeReport({ arms, watchMs }: { arms: number; watchMs: number }): void {
  const drawn = new WeakSet<HTMLCanvasElement>();
  const state = {
    table: -1,
    matrix: -1,
    charts: -1,
    rendered: -1,
    watch: [] as { start: number; pixels: string }[],
    done: false,
  };
  (window as unknown as { __report: typeof state }).__report = state;
  const imageOf = (canvas: HTMLCanvasElement) =>
    canvas.width === 0 || canvas.height === 0
      ? null
      : (canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? null);
  const painted = (canvas: HTMLCanvasElement) => {
    const data = imageOf(canvas);
    if (!data) return false;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  };
  const checksum = (canvas: HTMLCanvasElement) => {
    const data = imageOf(canvas);
    let sum = 0;
    if (data) for (let i = 0; i < data.length; i++) sum = (sum * 31 + data[i]!) % 1_000_000_007;
    return String(sum);
  };
  const chartsDrawn = () => {
    if (document.querySelector('.chart-placeholder')) return false;
    if (document.querySelectorAll('.report-charts .echart').length !== 2) return false;
    if (!document.querySelector('.server-charts, [data-testid="no-server-metrics"]')) return false;
    const canvases = Array.from(document.querySelectorAll<HTMLElement>('.echart')).map((box) =>
      box.querySelector('canvas'),
    );
    return canvases.every((canvas) => {
      if (!canvas) return false;
      if (drawn.has(canvas)) return true;
      if (!painted(canvas)) return false;
      drawn.add(canvas);
      return true;
    });
  };
  const frame = (start: number) => {
    if (state.rendered < 0) {
      if (state.table < 0 && document.querySelectorAll('[data-testid="report-table"] tbody').length === arms)
        state.table = start;
      const row = document.querySelector('[data-testid="task-matrix"] .matrix-row:not(.matrix-header)');
      if (state.matrix < 0 && row && row.querySelectorAll('.matrix-cell').length === arms)
        state.matrix = start;
      if (state.charts < 0 && chartsDrawn()) state.charts = start;
      if (state.table >= 0 && state.matrix >= 0 && state.charts >= 0) {
        state.rendered = 0;
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          state.rendered = performance.now();
        };
        channel.port2.postMessage(null);
      }
    } else if (state.rendered > 0) {
      const canvases = Array.from(document.querySelectorAll<HTMLCanvasElement>('.echart canvas'));
      state.watch.push({ start, pixels: canvases.map(checksum).join(',') });
      if (start - state.rendered >= watchMs) {
        state.done = true;
        return;
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

function readTimings() {
  type State = {
    table: number;
    matrix: number;
    charts: number;
    rendered: number;
    watch: { start: number; pixels: string }[];
  };
  const state = (window as unknown as { __report: State }).__report;
  const last = state.watch[state.watch.length - 1]!;
  let rest = state.watch.length - 1;
  while (rest > 0 && state.watch[rest - 1]!.pixels === last.pixels) rest--;
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const received = (pattern: RegExp) =>
    resources.find((r) => pattern.test(r.name))?.responseEnd ?? Number.NaN;
  const fcp = performance.getEntriesByName('first-contentful-paint')[0] as
    | (PerformanceEntry & { presentationTime?: number })
    | undefined;
  return {
    rendered: state.rendered,
    table: state.table,
    matrix: state.matrix,
    charts: state.charts,
    // The first frame may have been drawn before the watch began: then the charts were at rest when rendered.
    chartsAtRest: rest === 0 ? state.charts : state.watch[rest]!.start,
    firstPaint: fcp ? (fcp.presentationTime ?? fcp.startTime) : Number.NaN,
    appReady: navigation?.domContentLoadedEventEnd ?? Number.NaN,
    reportReceived: received(/\/api\/experiments\/[^/]+\/report$/),
    itemsReceived: received(/\/api\/experiments\/[^/]+\/items$/),
    chartsChunk: ((chunk) => [chunk?.startTime ?? Number.NaN, chunk?.responseEnd ?? Number.NaN])(
      resources.find((r) => /\/ReportCharts-[^/]*\.js$/.test(r.name)),
    ) as [number, number],
    scriptKb:
      resources.filter((r) => r.name.endsWith('.js')).reduce((n, r) => n + r.encodedBodySize, 0) / 1000,
    shown: {
      arms: document.querySelectorAll('[data-testid="report-table"] tbody').length,
      legend: Array.from(document.querySelectorAll('.matrix-legend li'))
        .map((li) => li.textContent?.trim())
        .join(', '),
      charts: document.querySelectorAll('.echart canvas').length,
      matrixTop:
        document.querySelector('[data-testid="task-matrix"]')?.getBoundingClientRect().top ?? Number.NaN,
      chartsTop: document.querySelector('.report-charts')?.getBoundingClientRect().top ?? Number.NaN,
    },
  };
}

function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => fs.existsSync(candidate));
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Opens `url` in a fresh browser context (nothing cached from an earlier load) and waits for the report. */
export async function loadReport(
  browser: Browser,
  url: string,
  arms: number,
  viewport: { width: number; height: number },
): Promise<PageLoad> {
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    // tsx compiles with keepNames, wrapping named inner functions in __name(), a helper the page lacks.
    await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
    await page.addInitScript(probeReport, { arms, watchMs: WATCH_MS });
    await page.goto(url);
    await page.waitForFunction(
      () => (window as unknown as { __report?: { done: boolean } }).__report?.done,
      null,
      {
        timeout: 60_000,
        polling: 100,
      },
    );
    return await page.evaluate(readTimings);
  } finally {
    await context.close();
  }
}
