import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  loadRunSnapshot,
  preloadRunSnapshot,
  takePreloadedDetail,
  takePreloadedSnapshot,
} from './runSnapshot.ts';

const EVENTS = [{ seq: 1, type: 'run.started' }];
const DETAIL = { id: 'r1', status: 'failed', difficulty: 2 };

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('reading a run snapshot ahead of its page', () => {
  const fetchMock = vi.fn<typeof fetch>();

  beforeEach(() => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('fetch', fetchMock);
    fetchMock.mockReset();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('takes the request index.html started and hands its events to the first render, once', async () => {
    window.__trellisRunSnapshot = {
      runId: 'r1',
      response: Promise.resolve(Response.json(EVENTS)),
      detail: Promise.resolve(Response.json(DETAIL)),
    };
    await preloadRunSnapshot('r1', 1_000);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(takePreloadedSnapshot('r2')).toBeNull();
    expect(takePreloadedSnapshot('r1')).toEqual(EVENTS);
    expect(takePreloadedSnapshot('r1')).toBeNull();
  });

  it('stops holding the first render after the wait, and still gives the page the events when they come', async () => {
    const response = deferred<Response>();
    fetchMock.mockReturnValueOnce(response.promise);
    await preloadRunSnapshot('slow', 5);
    expect(takePreloadedSnapshot('slow')).toBeNull();
    const loading = loadRunSnapshot('slow');
    response.resolve(Response.json(EVENTS));
    await expect(loading).resolves.toEqual(EVENTS);
    // The events once, read ahead and taken by the page; and the run's record beside them.
    expect(fetchMock.mock.calls.map((call) => call[0])).toEqual([
      '/api/runs/slow/events?compact=1',
      '/api/runs/slow',
    ]);
  });

  it('names the HTTP status when the events cannot be loaded, without failing the preload', async () => {
    fetchMock.mockResolvedValueOnce(new Response('{}', { status: 404 }));
    await expect(preloadRunSnapshot('gone', 1_000)).resolves.toBeUndefined();
    expect(takePreloadedSnapshot('gone')).toBeNull();
    await expect(loadRunSnapshot('gone')).rejects.toThrow(/HTTP 404/);
  });

  it('reads the run record with its events, for a header that is whole from the first render, once', async () => {
    window.__trellisRunSnapshot = {
      runId: 'r1',
      response: Promise.resolve(Response.json(EVENTS)),
      detail: Promise.resolve(Response.json(DETAIL)),
    };
    await preloadRunSnapshot('r1', 1_000);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(takePreloadedDetail('r2')).toBeNull();
    expect(takePreloadedDetail('r1')).toEqual(DETAIL);
    expect(takePreloadedDetail('r1')).toBeNull();
  });

  it('asks for the record itself when index.html did not, and leaves a missing run to the page', async () => {
    fetchMock.mockImplementation((url) =>
      Promise.resolve(
        String(url).endsWith('/events?compact=1')
          ? Response.json(EVENTS)
          : new Response('{}', { status: 404 }),
      ),
    );
    await preloadRunSnapshot('gone', 1_000);
    expect(fetchMock.mock.calls.map((call) => call[0])).toEqual([
      '/api/runs/gone/events?compact=1',
      '/api/runs/gone',
    ]);
    expect(takePreloadedDetail('gone')).toBeNull();
  });
});
