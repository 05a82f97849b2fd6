import { z } from 'zod';
import { defineNodeKind } from './spec.ts';

export const ExecutorConfig = z
  .object({
    /** Per-action time limit in the sandbox. */
    timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Observations longer than this are cut before they reach the history. */
    maxObservationChars: z.number().int().min(100).max(1_000_000).default(8_000),
  })
  .strict();
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;

export const executorKind = defineNodeKind({
  kind: 'executor',
  label: 'Executor',
  description: 'Runs the action in the environment; ends the turn',
  presentation: { glyph: '▶', color: '#6b46c1', order: 40 },
  llm: false,
  config: ExecutorConfig,
  defaults: () => ExecutorConfig.parse({}),
  variables: [],
  fields: [
    { key: 'timeoutMs', label: 'Time limit (ms)', type: 'number', min: 100, max: 600000, step: 500 },
    { key: 'maxObservationChars', label: 'Max observation (chars)', type: 'number', min: 100, step: 500 },
  ],
});
