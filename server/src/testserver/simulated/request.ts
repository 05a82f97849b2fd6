import type { PersonaRequest } from '../persona.ts';
import type { Message } from './context.ts';
import type { SimulatedPreset } from './presets.ts';

export type SimulatedRole = 'agent' | 'summarizer' | 'corrector';

/** What every role's behaviour is derived from: the request alone, plus the server's fallback seed. */
export interface SimRequest {
  messages: Message[];
  role: SimulatedRole | null;
  seed: number;
  /** The run's step from `x-trellis-step`; null when the client does not label its requests. */
  step: number | null;
  thinking: boolean;
  preset: SimulatedPreset;
}

export interface SimReply {
  content: string;
  reasoning?: string;
}

/** Opening words of the engine's role prompts, for clients that send no role header. */
const ROLE_MARKERS: [SimulatedRole, RegExp][] = [
  ['summarizer', /^You compress an agent's working history/],
  ['corrector', /^You review one block of Python code/],
  ['agent', /^You are an agent/],
];

function integer(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** The role: the `x-trellis-role` label when sent, else the system prompt's opening words. */
export function roleOf(headers: Record<string, string>, messages: Message[]): SimulatedRole | null {
  const labelled = headers['x-trellis-role'];
  if (labelled === 'agent' || labelled === 'summarizer' || labelled === 'corrector') return labelled;
  const system = messages.find((m) => m.role === 'system')?.content.trimStart() ?? '';
  return ROLE_MARKERS.find(([, marker]) => marker.test(system))?.[0] ?? null;
}

/**
 * Reads a request: the seed from `x-trellis-seed` (the run's seed), else the body's `seed`, else the server's;
 * the step from `x-trellis-step` when sent.
 */
export function readRequest(
  request: PersonaRequest,
  preset: SimulatedPreset,
  serverSeed: number,
): SimRequest {
  const bodySeed = typeof request.body.seed === 'number' ? String(request.body.seed) : undefined;
  return {
    messages: request.messages,
    role: roleOf(request.headers, request.messages),
    seed: integer(request.headers['x-trellis-seed']) ?? integer(bodySeed) ?? serverSeed,
    step: integer(request.headers['x-trellis-step']),
    thinking: request.enableThinking,
    preset,
  };
}
