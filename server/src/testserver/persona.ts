import type { ScriptReply } from './script.ts';

/** One chat request as a persona sees it: everything it may derive its answer from. */
export interface PersonaRequest {
  model: string;
  messages: { role: string; content: string }[];
  /** Request headers without credentials (`x-trellis-*` labels among them when the client sends them). */
  headers: Record<string, string>;
  /** The request body as sent (sampling params, `seed`, `chat_template_kwargs`, …). */
  body: Record<string, unknown>;
  enableThinking: boolean;
  promptTokens: number;
  /** Prompt tokens the server's prefix cache already held. */
  cachedTokens: number;
}

/**
 * Answers what the script does not, instead of the echo: e.g. the simulated model. A persona labels its models
 * with its own `owned_by`, so clients can tell it from the scripted server and from a real one.
 */
export interface Persona {
  ownedBy: string;
  /** Served when the server is started without `models`. */
  models: string[];
  /** Prompts the prefix cache remembers (1, the default, compares with the last prompt only). */
  prefixCacheEntries?: number;
  reply(request: PersonaRequest): ScriptReply;
}
