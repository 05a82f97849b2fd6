import type { RunEvent } from './trace.ts';

/**
 * Every run event type, for code that must name them all (an EventSource listens per type). Kept free of zod so
 * the run page loads no schema code; the `Record` fails to compile when a type the schema defines is missing or
 * one it does not define is added, and a test checks the list against the schema itself.
 */
const TYPES: Record<RunEvent['type'], true> = {
  'run.started': true,
  'step.started': true,
  'node.started': true,
  'node.finished': true,
  'llm.request': true,
  'llm.delta': true,
  'llm.response': true,
  'summary.applied': true,
  correction: true,
  'action.executed': true,
  'run.finished': true,
};

export const RUN_EVENT_TYPES = Object.keys(TYPES) as RunEvent['type'][];
