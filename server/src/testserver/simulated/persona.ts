import { SIMULATED_OWNER } from '@trellis/shared';
import type { Persona, PersonaRequest } from '../persona.ts';
import type { ScriptReply } from '../script.ts';
import { agentReply } from './agent.ts';
import { confusedReply } from './confused.ts';
import { readAgentView } from './context.ts';
import { correctorReply } from './corrector.ts';
import type { SimulatedPreset } from './presets.ts';
import { readRequest, type SimReply } from './request.ts';
import { summarizerReply } from './summarizer.ts';

export interface SimulatedOptions {
  /** Served as `simulated-<name>` models; the first is the default. */
  presets: SimulatedPreset[];
  /** The seed when a request carries none (no `x-trellis-seed` header, no `seed` in the body). */
  seed?: number;
  /**
   * Multiplies every simulated delay (time to first token, prefill, per-token pacing): 1 serves at the presets'
   * speeds, 0 answers at once (tests, benchmarks that measure outcomes rather than latency).
   */
  timeScale?: number;
}

function answer(reply: PersonaRequest, preset: SimulatedPreset, seed: number): SimReply {
  const req = readRequest(reply, preset, seed);
  try {
    switch (req.role) {
      case 'agent':
        return agentReply(req);
      case 'summarizer':
        return summarizerReply(req);
      case 'corrector':
        return correctorReply(req);
      default:
        return confusedReply(req, readAgentView(req.messages, preset), req.step ?? 1);
    }
  } catch (error) {
    // A request it cannot make sense of gets a plausible failing reply, never a server error.
    return {
      content: `I could not follow that request (${error instanceof Error ? error.message : String(error)}).\n\`\`\`python\napis.supervisor.complete_task(status="fail")\n\`\`\``,
    };
  }
}

/** Roughly how many tokens a reply streams, as the server's tokenizer counts them. */
function replyTokens(reply: SimReply): number {
  const words = (text: string) => text.match(/\s*\S+|\s+$/g)?.length ?? 0;
  return words(reply.content) + words(reply.reasoning ?? '');
}

/**
 * The simulated small model as a persona of the scripted test server: every reply is derived from the request
 * alone (role, task, seed, step, what the prompt holds), and served at the preset's speed with usage that counts
 * cached prompt tokens. It is a test double, labelled `trellis-simulated` in /v1/models.
 */
export function simulatedPersona(options: SimulatedOptions): Persona {
  const byModel = new Map(options.presets.map((p) => [p.model, p]));
  const fallback = options.presets[0];
  if (!fallback) throw new Error('a simulated server needs at least one preset');
  const seed = options.seed ?? 0;
  const scale = options.timeScale ?? 1;
  return {
    ownedBy: SIMULATED_OWNER,
    models: options.presets.map((p) => p.model),
    prefixCacheEntries: 64,
    reply(request: PersonaRequest): ScriptReply {
      const preset = byModel.get(request.model) ?? fallback;
      if (request.promptTokens > preset.maxModelLen) {
        return {
          error: {
            status: 400,
            message: `This model's maximum context length is ${preset.maxModelLen} tokens. However, your request has ${request.promptTokens} input tokens. Please reduce the length of the input messages.`,
          },
        };
      }
      const said = answer(request, preset, seed);
      const uncached = Math.max(0, request.promptTokens - request.cachedTokens);
      const prefillMs = preset.ttftMs + (uncached / preset.prefillTokensPerSecond) * 1000;
      return {
        content: said.content,
        ...(said.reasoning ? { reasoning: said.reasoning } : {}),
        firstTokenMs: Math.round(prefillMs * scale),
        paceMs: replyTokens(said) > 0 ? (1000 / preset.tokensPerSecond) * scale : 0,
      };
    },
  };
}
