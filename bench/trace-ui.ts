/**
 * Trace UI benchmark: how long a big finished run takes to open in the run page, and how smooth its trace
 * scrolls. Seeds a synthetic run (200 steps, 5,000 events by default) into a fresh data directory with the
 * server's own store modules, starts the real server on it, and drives Chromium.
 *
 *   pnpm bench:trace-ui            (builds the web app first)
 *   TRACE_STEPS=400 TRACE_EVENTS=10000 TRACE_LOADS=9 pnpm bench:trace-ui
 *   TRACE_BASELINE_DIST=/path/to/other/web/dist pnpm bench:trace-ui   (adds that build, loads interleaved)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { seedSyntheticRun } from './seed-run.ts';
import { startTrellis } from './server.ts';

const STEPS = Number(process.env.TRACE_STEPS ?? 200);
const EVENTS = Number(process.env.TRACE_EVENTS ?? 5_000);
const LOADS = Number(process.env.TRACE_LOADS ?? 7);
/** Pixels moved per frame while scrolling: a fast fling, well past what a reader does. */
const SCROLL_PX_PER_FRAME = Number(process.env.TRACE_SCROLL_PX ?? 240);
type Viewport = { width: number; height: number };

const VIEWPORTS: Viewport[] = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
/** Another build of the web app (a directory like web/dist) to measure side by side with this one. */
const BASELINE_DIST = process.env.TRACE_BASELINE_DIST;
const TARGET_OPEN_MS = 500;
const TARGET_FRAME_MS = 50;

function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => fs.existsSync(candidate));
}

/**
 * Installed before the page loads: notes when the first trace row appears, when the trace shows the run's end
 * (every event folded and rendered), and when the rest of the page (timeline bars, step inspector) is there too,
 * each stamped after the frame that paints it.
 */
function markTraceProgress(): void {
  const marks: Record<string, number> = {};
  (window as unknown as { __traceMarks: Record<string, number> }).__traceMarks = marks;
  const afterPaint = (name: string) => {
    if (name in marks) return;
    marks[name] = -1;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        marks[name] = performance.now();
      };
      channel.port2.postMessage(null);
    });
  };
  new MutationObserver(() => {
    const trace = document.querySelector('[data-testid="trace-scroll"]');
    if (!trace) return;
    if (trace.querySelector('.trace-row')) afterPaint('firstRow');
    if (trace.querySelector('.trace-end')) afterPaint('complete');
    if (document.querySelector('.timeline-col') && document.querySelector('.step-inspector-head'))
      afterPaint('page');
  }).observe(document, { subtree: true, childList: true });
}

interface ScrollResult {
  frames: number[];
  longFrames: number[];
  distancePx: number;
}

/** Scrolls the trace from the bottom to the top and back, one step per frame, timing every frame. */
function scrollThrough(pxPerFrame: number): Promise<ScrollResult> {
  const el = document.querySelector<HTMLElement>('[data-testid="trace-scroll"]');
  if (!el) throw new Error('no trace on the page');
  const longFrames: number[] = [];
  let observer: PerformanceObserver | null = null;
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longFrames.push(entry.duration);
    });
    observer.observe({ type: 'long-animation-frame' });
  }
  return new Promise((resolve) => {
    const frames: number[] = [];
    let direction = -1;
    let distance = 0;
    let last = 0;
    const tick = (now: number) => {
      frames.push(now - last);
      last = now;
      // Read first, while layout is clean, then write: the script itself never forces a layout.
      const top = el.scrollTop;
      if (direction < 0 && top <= 0) direction = 1;
      else if (direction > 0 && top + el.clientHeight >= el.scrollHeight - 1) {
        observer?.disconnect();
        resolve({ frames, longFrames, distancePx: distance });
        return;
      }
      el.scrollTop = top + direction * pxPerFrame;
      distance += pxPerFrame;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame((start) => {
      last = start;
      requestAnimationFrame(tick);
    });
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const median = (opens: OpenTiming[], key: keyof OpenTiming) =>
  percentile(
    opens.map((o) => o[key]),
    50,
  );

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : '–');

/**
 * From navigation start: the app's script has run, the recorded events have arrived, the trace is painted, the
 * whole page is painted.
 */
interface OpenTiming {
  appReady: number;
  eventsReceived: number;
  firstRow: number;
  complete: number;
  page: number;
}

async function openRun(page: Page, url: string): Promise<OpenTiming> {
  await page.goto(url);
  await page.waitForFunction(
    () => {
      const marks = (window as unknown as { __traceMarks?: Record<string, number> }).__traceMarks;
      return (marks?.complete ?? -1) > 0 && (marks?.page ?? -1) > 0;
    },
    undefined,
    { timeout: 60_000 },
  );
  return page.evaluate(() => {
    const marks = (window as unknown as { __traceMarks: Record<string, number> }).__traceMarks;
    const navigation = performance.getEntriesByType('navigation')[0] as
      | PerformanceNavigationTiming
      | undefined;
    const events = performance
      .getEntriesByType('resource')
      .find((entry) => /\/api\/runs\/[^/]+\/events(\?compact=1)?$/.test(entry.name)) as
      | PerformanceResourceTiming
      | undefined;
    return {
      appReady: navigation?.domContentLoadedEventEnd ?? Number.NaN,
      eventsReceived: events?.responseEnd ?? Number.NaN,
      firstRow: marks.firstRow ?? Number.NaN,
      complete: marks.complete ?? Number.NaN,
      page: marks.page ?? Number.NaN,
    };
  });
}

interface Measured {
  cold: OpenTiming;
  warm: OpenTiming[];
  scroll: ScrollResult;
  shown: string;
}

async function loadOnce(browser: Browser, url: string, viewport: Viewport, last: boolean) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`page console: ${message.text()}`);
  });
  // tsx compiles with keepNames, wrapping named inner functions in __name(), a helper the page lacks.
  await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  await page.addInitScript(markTraceProgress);
  const open = await openRun(page, url);
  let scroll: ScrollResult | null = null;
  let shown = '';
  if (last) {
    shown = (await page.locator('.trace-card-head .muted').first().textContent()) ?? '';
    await page.waitForTimeout(300);
    scroll = await page.evaluate(scrollThrough, SCROLL_PX_PER_FRAME);
  }
  await context.close();
  return { open, scroll, shown };
}

/** Loads each build LOADS times, alternating between them so both see the same machine load. */
async function measureViewport(browser: Browser, urls: string[], viewport: Viewport): Promise<Measured[]> {
  const opens = urls.map(() => [] as OpenTiming[]);
  const results = urls.map(() => ({ scroll: null as ScrollResult | null, shown: '' }));
  for (let i = 0; i < LOADS; i++) {
    for (const [b, url] of urls.entries()) {
      const once = await loadOnce(browser, url, viewport, i === LOADS - 1);
      opens[b]!.push(once.open);
      if (once.scroll) results[b] = { scroll: once.scroll, shown: once.shown };
    }
  }
  // The first load also warms the server's and browser's caches; report it apart from the rest.
  return urls.map((_, b) => ({
    cold: opens[b]![0]!,
    warm: opens[b]!.slice(1),
    scroll: results[b]!.scroll!,
    shown: results[b]!.shown,
  }));
}

/** One row per measure: this build's figure, and with a baseline its figure and the ratio of the two. */
function rowsFor(size: string, builds: Measured[]): string[][] {
  const figures = (m: Measured) => {
    const frames = m.scroll.frames.slice(2);
    const worst = Math.max(...m.warm.map((o) => o.complete));
    return [
      ['trace shown (cold first load)', m.cold.complete, `< ${TARGET_OPEN_MS} ms`],
      ['app script run (median of warm loads)', median(m.warm, 'appReady'), ''],
      ['recorded events received (median of warm)', median(m.warm, 'eventsReceived'), ''],
      ['first trace rows painted (median of warm)', median(m.warm, 'firstRow'), ''],
      ['trace shown (median of warm loads)', median(m.warm, 'complete'), `< ${TARGET_OPEN_MS} ms`],
      ['trace shown (worst warm load)', worst, `< ${TARGET_OPEN_MS} ms`],
      ['whole page shown (median of warm loads)', median(m.warm, 'page'), ''],
      ['scroll: frame time, median', percentile(frames, 50), ''],
      ['scroll: frame time, p99', percentile(frames, 99), ''],
      ['scroll: longest frame', Math.max(...frames), `< ${TARGET_FRAME_MS} ms`],
      ['scroll: frames over 50 ms', frames.filter((f) => f > TARGET_FRAME_MS).length, '0'],
    ] as [string, number, string][];
  };
  const [current, baseline] = builds.map(figures);
  return current!.map(([measure, value, target], r) => {
    const count = measure.includes('frames over');
    const show = (n: number) => (count ? String(n) : ms(n));
    const row = [size, measure, show(value)];
    if (baseline) {
      const base = baseline[r]![1];
      row.push(show(base), !count && base > 0 ? (value / base).toFixed(2) : '');
    }
    row.push(target);
    return row;
  });
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-trace-ui-'));
  const seeded = seedSyntheticRun(dataDir, STEPS, EVENTS);
  const server = await startTrellis(dataDir);
  // A second server on the same data, serving another build of the web app (both only read the run).
  const baseline = BASELINE_DIST ? await startTrellis(dataDir, { TRELLIS_WEB_DIST: BASELINE_DIST }) : null;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const urls = [server.url, ...(baseline ? [baseline.url] : [])].map(
      (base) => `${base}/runs/${seeded.runId}`,
    );
    console.log(
      `Trace UI: a finished run of ${STEPS} steps and ${seeded.eventCount} events, ${LOADS} loads per viewport`,
    );
    if (BASELINE_DIST) console.log(`baseline: the web app built in ${BASELINE_DIST}, loads interleaved`);
    console.log(
      `Chromium ${browser.version()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})\n`,
    );
    const rows: string[][] = [];
    for (const viewport of VIEWPORTS) {
      const builds = await measureViewport(browser, urls, viewport);
      for (const build of builds) {
        if (!build.shown.includes(`${seeded.eventCount.toLocaleString('en-US')} events`)) {
          throw new Error(`the page shows "${build.shown}", not all ${seeded.eventCount} events`);
        }
      }
      rows.push(...rowsFor(`${viewport.width}×${viewport.height}`, builds));
    }
    const header = baseline
      ? ['viewport', 'measure', 'this build', 'baseline', 'ratio', 'target']
      : ['viewport', 'measure', 'result', 'target'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const row of rows) console.log(line(row));
  } finally {
    await browser.close();
    await server.stop();
    await baseline?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
