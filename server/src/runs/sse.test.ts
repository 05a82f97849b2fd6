import type { RunEvent } from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonBlock, TestRun, task } from '../testing/run.ts';

const TASK = 'notes_pin_1';

interface Frame {
  id: number | null;
  event: string;
  data: string;
}

/** Reads SSE frames until `stop` says so or the stream ends; the caller aborts to force a disconnect. */
async function readFrames(
  url: string,
  headers: Record<string, string>,
  stop: (frame: Frame, all: Frame[]) => boolean,
): Promise<Frame[]> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return frames;
      buffer += decoder.decode(value, { stream: true });
      let split = buffer.indexOf('\n\n');
      while (split >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        split = buffer.indexOf('\n\n');
        const frame: Frame = { id: null, event: 'message', data: '' };
        let hasData = false;
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) frame.id = Number(line.slice(4));
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('data: ')) {
            frame.data += line.slice(6);
            hasData = true;
          }
        }
        if (!hasData) continue;
        frames.push(frame);
        if (stop(frame, frames)) {
          controller.abort();
          return frames;
        }
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return frames;
    throw error;
  }
}

describe('run event stream', () => {
  let r: TestRun;
  let base: string;
  beforeAll(async () => {
    r = await TestRun.start();
    await r.t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = r.t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 120_000);
  afterAll(() => r.close());

  it('delivers every event exactly once, in order, across a forced disconnect mid-run', async () => {
    r.script(
      'agent',
      { content: pythonBlock('print("step one")', 'word '.repeat(60)), paceMs: 4 },
      { content: pythonBlock('print("step two")', 'word '.repeat(60)), paceMs: 4 },
      { content: pythonBlock(task(TASK).solution, 'word '.repeat(60)), paceMs: 4 },
    );
    const run = await r.run(r.graph('react-baseline'), TASK);
    const url = `${base}/api/runs/${run.id}/events`;

    const first = await readFrames(url, {}, (_frame, all) => all.length >= 8);
    const lastId = first.at(-1)!.id!;
    expect((await r.t.ctx.runs.get(run.id))?.status).toBe('running');

    const rest = await readFrames(url, { 'last-event-id': String(lastId) }, (frame) => frame.event === 'end');
    const events = [...first, ...rest]
      .filter((f) => f.event !== 'end')
      .map((f) => JSON.parse(f.data) as RunEvent);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(events.at(-1)?.type).toBe('run.finished');
    expect(rest.at(-1)?.event).toBe('end');
    expect(JSON.parse(rest.at(-1)!.data).status).toBe('succeeded');
    for (const frame of [...first, ...rest])
      if (frame.id !== null) expect(frame.id).toBe(JSON.parse(frame.data).seq);

    const stored = await r.events(run.id);
    expect(events).toEqual(stored);

    const replay = await readFrames(`${url}?after=${seqs.length - 3}`, {}, (frame) => frame.event === 'end');
    expect(replay.filter((f) => f.event !== 'end').map((f) => f.id)).toEqual([
      seqs.length - 2,
      seqs.length - 1,
      seqs.length,
    ]);
  });

  it('serves the events as JSON, compacted without the deltas of finished calls on request', async () => {
    const [run] = (await r.t.ctx.runs.list({ limit: 1, offset: 0 })).runs;
    const full = (await (await fetch(`${base}/api/runs/${run!.id}/events`)).json()) as RunEvent[];
    const compact = (await (
      await fetch(`${base}/api/runs/${run!.id}/events?compact=1`)
    ).json()) as RunEvent[];
    expect(full.some((e) => e.type === 'llm.delta')).toBe(true);
    expect(compact.some((e) => e.type === 'llm.delta')).toBe(false);
    const withoutDeltas = full.filter((e) => e.type !== 'llm.delta');
    expect(compact.map((e) => e.seq)).toEqual(withoutDeltas.map((e) => e.seq));
    expect(compact.at(-1)?.seq).toBe(full.at(-1)?.seq);
    const request = compact.find((e) => e.type === 'llm.request');
    if (request?.type !== 'llm.request') throw new Error('no request recorded');
    expect(request.messages).toEqual([]);
    const original = full.find((e) => e.seq === request.seq);
    if (original?.type !== 'llm.request') throw new Error('no request recorded');
    expect(request.omitted).toEqual({
      messages: original.messages.length,
      chars: JSON.stringify(original.messages).length,
    });
    const one = await (await fetch(`${base}/api/runs/${run!.id}/events/${request.seq}`)).json();
    expect(one).toEqual(original);
    expect((await fetch(`${base}/api/runs/${run!.id}/events/99999`)).status).toBe(404);
  });

  it('names a missing run', async () => {
    const missing = await fetch(`${base}/api/runs/run_missing/events`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('run_missing');
  });
});
