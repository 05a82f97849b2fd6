/**
 * Trace UI benchmark: how long a big finished run takes to open in the run page, and how smooth its trace
 * scrolls. Seeds a synthetic run (200 steps, 5,000 events by default) into a fresh data directory with the
 * server's own store modules, starts the real server on it, and drives Chromium.
 *
 *   pnpm bench:trace-ui            (builds the web app first)
 *   TRACE_STEPS=400 TRACE_EVENTS=10000 TRACE_LOADS=9 pnpm bench:trace-ui
 *   TRACE_BASELINE_DIST=/path/to/other/web/dist pnpm bench:trace-ui   (adds that build, loads interleaved)
 *   TRACE_DIST=/path/to/web/dist ...   (measures that build instead of web/dist)
 *   TRACE_BASELINE_DIR=/path/to/other/checkout ...   (that checkout's server and web/dist as the baseline)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { seedSyntheticRun } from './seed-run.ts';
import { startTrellis } from './server.ts';

const STEPS = Number(process.env.TRACE_STEPS ?? 200);
const EVENTS = Number(process.env.TRACE_EVENTS ?? 5_000);
const LOADS = Number(process.env.TRACE_LOADS ?? 11);
/** How long the trace must stay unchanged before a load counts as done. */
const QUIET_MS = 1_000;
/** Pixels moved per frame while scrolling: a fast fling, well past what a reader does. */
const SCROLL_PX_PER_FRAME = Number(process.env.TRACE_SCROLL_PX ?? 240);
type Viewport = { width: number; height: number };

const VIEWPORTS: Viewport[] = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
/** Another build of the web app (a directory like web/dist) to measure side by side with this one. */
const BASELINE_DIST = process.env.TRACE_BASELINE_DIST;
/** The build measured as "this build", when not the repository's own web/dist. */
const DIST = process.env.TRACE_DIST;
/**
 * A checkout of another commit whose server, serving its own web/dist (or TRACE_BASELINE_DIST), is the
 * baseline: the previous implementation as a whole, server included.
 */
const BASELINE_DIR = process.env.TRACE_BASELINE_DIR;
const TARGET_OPEN_MS = 500;
const TARGET_WORST_MS = 600;
const TARGET_FRAME_MS = 50;

function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => fs.existsSync(candidate));
}

/**
 * Installed before the page loads. What a reader waits for is the trace's rows on screen, where they stay. The
 * probe gives every element of a trace row an `elementtiming` name, so Chromium reports when each was first
 * painted and presented on screen; records at the start of every frame which trace rows are in view and where
 * (a change made during a frame, say by a ResizeObserver, shows at the next frame's start); and notes when
 * anything inside the trace changes (DOM or styles), which tells a change painted in one frame from one made
 * by a task after it. It also keeps the earlier marks (the frame after the DOM first holds a row, the run's end
 * row, the whole page), to compare with figures measured that way.
 */
function probeTrace(): void {
  interface Frame {
    start: number;
    view: string;
  }
  const state = {
    marks: {} as Record<string, number>,
    frames: [] as Frame[],
    presented: [] as { row: number; paint: number; presented: number }[],
    /** When something inside the trace changed. */
    changes: [] as number[],
    stopped: false,
    /** Ends the probe, so it costs nothing while the trace is scrolled afterwards. */
    stop: () => {
      state.stopped = true;
      mutations.disconnect();
      elements.disconnect();
    },
  };
  (window as unknown as { __trace: typeof state }).__trace = state;
  const { marks } = state;
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
  const nameRowElements = (node: Element) => {
    const row = node.closest<HTMLElement>('.trace-row');
    const rows = row ? [row] : Array.from(node.querySelectorAll<HTMLElement>('.trace-row'));
    for (const r of rows) {
      const name = `row:${r.dataset.index ?? ''}`;
      r.setAttribute('elementtiming', name);
      for (const el of Array.from(r.querySelectorAll('*'))) el.setAttribute('elementtiming', name);
    }
  };
  const mutations = new MutationObserver((records) => {
    const trace = document.querySelector('[data-testid="trace-scroll"]');
    let traceChanged = false;
    for (const record of records) {
      if (trace?.contains(record.target)) traceChanged = true;
      for (const node of Array.from(record.addedNodes)) if (node instanceof Element) nameRowElements(node);
    }
    if (!trace) return;
    if (traceChanged) state.changes.push(performance.now());
    if (trace.querySelector('.trace-row')) afterPaint('firstRow');
    if (trace.querySelector('.trace-end')) afterPaint('complete');
    if (document.querySelector('.timeline-col') && document.querySelector('.step-inspector-head'))
      afterPaint('page');
  });
  mutations.observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['style', 'class'],
    characterData: true,
  });
  const elements = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & {
      identifier: string;
      renderTime: number;
      paintTime?: number;
      presentationTime?: number;
    })[]) {
      if (!entry.identifier.startsWith('row:')) continue;
      state.presented.push({
        row: Number(entry.identifier.slice(4)),
        paint: entry.paintTime ?? entry.renderTime,
        presented: entry.presentationTime ?? entry.renderTime,
      });
    }
  });
  elements.observe({ type: 'element', buffered: true });
  /** The trace rows in view (inside both the trace and the window): index, top and height of each. */
  const rowsInView = () => {
    const trace = document.querySelector('[data-testid="trace-scroll"]');
    if (!trace) return '';
    const box = trace.getBoundingClientRect();
    const top = Math.max(0, box.top);
    const bottom = Math.min(window.innerHeight, box.bottom);
    let view = '';
    for (const row of Array.from(trace.querySelectorAll<HTMLElement>('.trace-row'))) {
      const r = row.getBoundingClientRect();
      if (r.bottom > top && r.top < bottom && r.height > 0)
        view += `${row.dataset.index}@${Math.round(r.top)}+${Math.round(r.height)} `;
    }
    return view + (trace.querySelector('.trace-end') ? 'end' : '');
  };
  const frame = () => {
    if (state.stopped) return;
    state.frames.push({ start: performance.now(), view: rowsInView() });
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/**
 * When the trace rows a reader sees were presented where they stay (ms from navigation start). The rows in view
 * at the end, with the run's end row mounted, are the final view. If the frame that first painted the last of
 * those rows already showed the final view (the next frame starts with it, and nothing in the trace changed
 * between that paint and the next frame's start), the answer is that frame's presentation time, from element
 * timing. Otherwise the rows moved after they were first shown: the answer is then bounded from above by the
 * start of the frame after the one that begins with the final view, plus this load's delay from paint to
 * presentation, and the load is counted as estimated.
 */
function traceSettled(): { shown: number; estimated: boolean; error?: string } {
  const state = (
    window as unknown as {
      __trace: {
        frames: { start: number; view: string }[];
        presented: { row: number; paint: number; presented: number }[];
        changes: number[];
        stop(): void;
      };
    }
  ).__trace;
  state.stop();
  const { frames, presented, changes } = state;
  const last = frames[frames.length - 1];
  if (!last?.view.endsWith('end') || last.view === 'end') {
    return { shown: Number.NaN, estimated: false, error: `the trace is not at its end: "${last?.view}"` };
  }
  const rowsInView = new Set(
    last.view
      .split(' ')
      .filter((cell) => cell.includes('@'))
      .map((cell) => Number(cell.split('@')[0])),
  );
  const rowPaints = presented.filter((p) => rowsInView.has(p.row));
  if (rowPaints.length === 0) return { shown: Number.NaN, estimated: false, error: 'no row was presented' };
  const lastPaint = rowPaints.reduce((a, b) => (b.paint > a.paint ? b : a));
  const shownAt = Math.max(...rowPaints.map((p) => p.presented));
  // The view at the start of the first frame after that paint is what the paint showed, unless something in the
  // trace changed in between.
  const after = frames.findIndex((f) => f.start > lastPaint.paint);
  const changedBetween = after >= 0 && changes.some((t) => t > lastPaint.paint && t < frames[after]!.start);
  const stayed = after >= 0 && frames.slice(after).every((f) => f.view === last.view);
  if (stayed && !changedBetween) return { shown: shownAt, estimated: false };
  let first = frames.length - 1;
  while (first > 0 && frames[first - 1]!.view === last.view) first--;
  const bound = frames[first + 1]?.start ?? frames[first]!.start;
  const lags = presented.map((p) => p.presented - p.paint).sort((a, b) => a - b);
  const lag = lags[Math.floor(lags.length / 2)] ?? 0;
  return { shown: Math.max(shownAt, bound + lag), estimated: true };
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
    opens.map((o) => Number(o[key])),
    50,
  );

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : '–');
const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** From navigation start (the moment the browser starts the navigation), in ms. */
interface OpenTiming {
  /** The trace rows in view presented where they stay (see traceSettled). */
  shown: number;
  /** Whether `shown` was estimated from the frame's start and this load's paint-to-presentation delay. */
  estimated: boolean;
  /** First contentful paint, as presented. */
  firstPaint: number;
  appReady: number;
  eventsReceived: number;
  /** The earlier measure: the frame after the DOM first held the run's end row (main thread, not presented). */
  endRowInDom: number;
  /** The frame after the timeline's bars and the step inspector are in the DOM (main thread). */
  page: number;
  /** Script the page downloaded, in kB. */
  scriptKb: number;
}

/** Waits until the page is complete and its trace has not moved for QUIET_MS, then reads the timings. */
async function openRun(page: Page, url: string): Promise<OpenTiming> {
  await page.goto(url);
  await page.waitForFunction(
    (quietMs) => {
      const state = (
        window as unknown as {
          __trace?: { marks: Record<string, number>; frames: { start: number; view: string }[] };
        }
      ).__trace;
      if (!state || !((state.marks.complete ?? -1) > 0 && (state.marks.page ?? -1) > 0)) return false;
      const { frames } = state;
      const last = frames[frames.length - 1];
      if (!last) return false;
      let first = frames.length - 1;
      while (first > 0 && frames[first - 1]!.view === last.view) first--;
      return last.start - frames[first]!.start >= quietMs;
    },
    QUIET_MS,
    { timeout: 60_000, polling: 100 },
  );
  const settled = await page.evaluate(traceSettled);
  if (settled.error) throw new Error(settled.error);
  const rest = await page.evaluate(() => {
    const state = (window as unknown as { __trace: { marks: Record<string, number> } }).__trace;
    const navigation = performance.getEntriesByType('navigation')[0] as
      | PerformanceNavigationTiming
      | undefined;
    const events = performance
      .getEntriesByType('resource')
      .find((entry) => /\/api\/runs\/[^/]+\/events(\?compact=1)?$/.test(entry.name)) as
      | PerformanceResourceTiming
      | undefined;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0] as
      | (PerformanceEntry & { presentationTime?: number })
      | undefined;
    return {
      firstPaint: fcp ? (fcp.presentationTime ?? fcp.startTime) : Number.NaN,
      appReady: navigation?.domContentLoadedEventEnd ?? Number.NaN,
      eventsReceived: events?.responseEnd ?? Number.NaN,
      endRowInDom: state.marks.complete ?? Number.NaN,
      page: state.marks.page ?? Number.NaN,
      scriptKb:
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((entry) => entry.name.endsWith('.js'))
          .reduce((n, entry) => n + entry.encodedBodySize, 0) / 1000,
    };
  });
  return { shown: settled.shown, estimated: settled.estimated, ...rest };
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
  await page.addInitScript(probeTrace);
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

/**
 * Loads each build LOADS times, alternating between them (the order rotating each round) so both see the same
 * machine load. Every load is in a fresh browser context: nothing cached from an earlier load.
 */
async function measureViewport(browser: Browser, urls: string[], viewport: Viewport): Promise<Measured[]> {
  const opens = urls.map(() => [] as OpenTiming[]);
  const results = urls.map(() => ({ scroll: null as ScrollResult | null, shown: '' }));
  for (let i = 0; i < LOADS; i++) {
    const order = urls.map((_, b) => (b + i) % urls.length);
    for (const b of order) {
      const once = await loadOnce(browser, urls[b]!, viewport, i === LOADS - 1);
      opens[b]!.push(once.open);
      if (once.scroll) results[b] = { scroll: once.scroll, shown: once.shown };
    }
  }
  // The first load also warms the server's and the browser's caches; report it apart from the rest.
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
    return [
      ['trace shown (cold first load)', m.cold.shown, `< ${TARGET_OPEN_MS} ms`],
      ['trace shown (median of warm loads)', median(m.warm, 'shown'), `< ${TARGET_OPEN_MS} ms`],
      ['trace shown (worst warm load)', Math.max(...m.warm.map((o) => o.shown)), `< ${TARGET_WORST_MS} ms`],
      ['warm loads with the last frame estimated', m.warm.filter((o) => o.estimated).length, ''],
      ['app script run (median of warm)', median(m.warm, 'appReady'), ''],
      ['recorded events received (median of warm)', median(m.warm, 'eventsReceived'), ''],
      ['first contentful paint (median of warm)', median(m.warm, 'firstPaint'), ''],
      ['earlier measure: end row in DOM (median of warm)', median(m.warm, 'endRowInDom'), ''],
      ['whole page in DOM, frame after (median of warm)', median(m.warm, 'page'), ''],
      ['script downloaded (kB)', m.cold.scriptKb, ''],
      ['scroll: frame time, median', percentile(frames, 50), ''],
      ['scroll: frame time, p99', percentile(frames, 99), ''],
      ['scroll: longest frame', Math.max(...frames), `< ${TARGET_FRAME_MS} ms`],
      ['scroll: frames over 50 ms', frames.filter((f) => f > TARGET_FRAME_MS).length, '0'],
    ] as [string, number, string][];
  };
  const [current, baseline] = builds.map(figures);
  return current!.map(([measure, value, target], r) => {
    const count = measure.includes('frames over') || measure.includes('loads with');
    const kb = measure.includes('(kB)');
    const show = (n: number) => (count ? String(n) : kb ? n.toFixed(0) : ms(n));
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
  const seeded = await seedSyntheticRun(dataDir, STEPS, EVENTS);
  const server = await startTrellis(dataDir, DIST ? { TRELLIS_WEB_DIST: DIST } : {});
  // A second server on the same data, serving another build of the web app (both only read the run).
  const baseline =
    BASELINE_DIST || BASELINE_DIR
      ? await startTrellis(
          dataDir,
          BASELINE_DIST ? { TRELLIS_WEB_DIST: BASELINE_DIST } : {},
          BASELINE_DIR ?? process.cwd(),
        )
      : null;
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
    const names = ['this build', ...(baseline ? ['baseline'] : [])];
    const urls = [server.url, ...(baseline ? [baseline.url] : [])].map(
      (base) => `${base}/runs/${seeded.runId}`,
    );
    console.log(
      `Trace UI: a finished run of ${STEPS} steps and ${seeded.eventCount} events, ${LOADS} loads per viewport and build`,
    );
    if (DIST) console.log(`this build: the web app built in ${DIST}`);
    if (baseline) {
      const web = BASELINE_DIST ?? path.join(BASELINE_DIR!, 'web', 'dist');
      const server = BASELINE_DIR ? `the server of ${BASELINE_DIR}` : 'this server';
      console.log(`baseline: ${server} serving the web app built in ${web}, loads interleaved`);
    }
    console.log(
      `Chromium ${browser.version()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    );
    console.log(`load average at the start: ${loadAverage()}\n`);
    const rows: string[][] = [];
    const everyLoad: string[] = [];
    for (const viewport of VIEWPORTS) {
      const builds = await measureViewport(browser, urls, viewport);
      const size = `${viewport.width}×${viewport.height}`;
      for (const [b, build] of builds.entries()) {
        if (!build.shown.includes(`${seeded.eventCount.toLocaleString('en-US')} events`)) {
          throw new Error(`the page shows "${build.shown}", not all ${seeded.eventCount} events`);
        }
        const list = [build.cold, ...build.warm]
          .map((o) => `${o.shown.toFixed(0)}${o.estimated ? '*' : ''}`)
          .join(' ');
        everyLoad.push(`${size}, ${names[b]}: ${list}`);
      }
      rows.push(...rowsFor(size, builds));
      console.error(`${size} done, load average ${loadAverage()}`);
    }
    const header = baseline
      ? ['viewport', 'measure', 'this build', 'baseline', 'ratio', 'target']
      : ['viewport', 'measure', 'result', 'target'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const row of rows) console.log(line(row));
    console.log(
      '\nTrace shown, every load in order (ms; the first is the cold one; * estimated last frame):',
    );
    for (const entry of everyLoad) console.log(entry);
    console.log(`\nload average at the end: ${loadAverage()}`);
  } finally {
    await browser.close();
    await server.stop();
    await baseline?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
