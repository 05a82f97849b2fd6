import { describe, expect, it } from 'vitest';
import { mergeParams, nodeParams, requestParams } from './params.ts';

describe('merging params', () => {
  it('lets a later layer replace named params and merges extra and chat_template_kwargs key by key', () => {
    const merged = mergeParams(
      {
        temperature: 0.6,
        top_k: 20,
        stop: ['</s>', '###'],
        chat_template_kwargs: { enable_thinking: true, keep: 1 },
        extra: { min_tokens: 1, structured_outputs: { json: {} } },
      },
      {
        temperature: 0.1,
        stop: ['END'],
        chat_template_kwargs: { enable_thinking: false },
        extra: { seed_text: 'x', structured_outputs: { regex: 'a+' } },
      },
    );
    expect(merged).toEqual({
      temperature: 0.1,
      top_k: 20,
      stop: ['END'],
      chat_template_kwargs: { enable_thinking: false, keep: 1 },
      // One level deep: a value inside extra is replaced whole.
      extra: { min_tokens: 1, seed_text: 'x', structured_outputs: { regex: 'a+' } },
    });
  });

  it('keeps what lower layers said where a layer leaves a key out or undefined', () => {
    expect(
      mergeParams({ top_p: 0.9, extra: { a: 1 } }, undefined, {
        top_p: undefined,
        extra: { a: undefined, b: 2 },
      } as never),
    ).toEqual({ top_p: 0.9, extra: { a: 1, b: 2 } });
  });

  it('leaves its inputs as they were', () => {
    const low = { chat_template_kwargs: { keep: 1 } };
    mergeParams(low, { chat_template_kwargs: { other: 2 } });
    expect(low).toEqual({ chat_template_kwargs: { keep: 1 } });
  });
});

describe("a node's params", () => {
  const node = {
    llm: {
      params: { temperature: 0.2, chat_template_kwargs: { enable_thinking: true, style: 'terse' } },
      thinking: false,
    },
    budget: { maxOutputTokens: 512, maxTotalTokens: null },
  };

  it('send its output budget as max_tokens and its thinking toggle as enable_thinking', () => {
    expect(nodeParams(node)).toEqual({
      temperature: 0.2,
      max_tokens: 512,
      chat_template_kwargs: { enable_thinking: false, style: 'terse' },
    });
  });

  it("sit over the endpoint's defaults, whose other template kwargs and extras still reach the request", () => {
    const endpoint = {
      temperature: 0.7,
      top_k: 20,
      max_tokens: 4096,
      chat_template_kwargs: { enable_thinking: true, reasoning_effort: 'low' },
      extra: { min_tokens: 2 },
    };
    expect(requestParams({ endpoint, node })).toEqual({
      temperature: 0.2,
      top_k: 20,
      max_tokens: 512,
      chat_template_kwargs: { enable_thinking: false, reasoning_effort: 'low', style: 'terse' },
      extra: { min_tokens: 2 },
    });
  });

  it("sit under the request's own params", () => {
    expect(
      requestParams({
        endpoint: { top_k: 20 },
        node,
        request: { temperature: 1, chat_template_kwargs: { x: 1 } },
      }),
    ).toEqual({
      temperature: 1,
      top_k: 20,
      max_tokens: 512,
      chat_template_kwargs: { enable_thinking: false, style: 'terse', x: 1 },
    });
  });

  it('are the endpoint defaults under the request params when there is no node (the Playground)', () => {
    expect(
      requestParams({ endpoint: { top_k: 20, extra: { a: 1 } }, request: { top_k: 5, extra: { b: 2 } } }),
    ).toEqual({ top_k: 5, extra: { a: 1, b: 2 } });
  });
});
