import { z } from 'zod';
import { LLM_FIELDS, LlmBinding, Prompts, TASK_VARIABLES, TokenBudget } from './common.ts';
import { defineNodeKind } from './spec.ts';

const SYSTEM = `You compress an agent's working history so it can continue its task with a short context.
Write these sections:
## Progress
What has been done and verified so far.
## Key facts
Every credential, access token, password, email, id and value the agent has obtained or used, copied VERBATIM.
## Failures seen
Errors met and what caused them.
## Next actions
What remains to be done, in order.
Be concise. Never invent facts. Never drop a token, password or id.`;

const USER = `Task: {{task.instruction}}

History to compress:
{{history}}

These values must appear verbatim in your summary:
{{pinned_artifacts}}`;

export const SummarizerTrigger = z.discriminatedUnion('type', [
  /** Fires when the estimated context exceeds this many tokens. */
  z.object({ type: z.literal('tokens'), threshold: z.number().int().min(100).max(10_000_000) }),
  /** Fires every N turns. */
  z.object({ type: z.literal('turns'), every: z.number().int().min(1).max(1000) }),
]);
export type SummarizerTrigger = z.infer<typeof SummarizerTrigger>;

export const SummarizerConfig = z
  .object({
    llm: LlmBinding.default(LlmBinding.parse({})),
    prompts: Prompts,
    budget: TokenBudget.default({ maxOutputTokens: 512, maxTotalTokens: null }),
    trigger: SummarizerTrigger.default({ type: 'tokens', threshold: 6000 }),
    /** Turns kept verbatim after the summary. */
    keepLastTurns: z.number().int().min(0).max(50).default(2),
    /** Pin access tokens, passwords, emails, ids and values the agent used, so they survive verbatim. */
    pinArtifacts: z.boolean().default(true),
  })
  .strict();
export type SummarizerConfig = z.infer<typeof SummarizerConfig>;

export const summarizerKind = defineNodeKind({
  kind: 'summarizer',
  label: 'Summarizer',
  description: 'Compresses history past a threshold, keeping credentials and ids verbatim',
  presentation: { glyph: '≡', color: '#0f8b8d', order: 10 },
  llm: true,
  config: SummarizerConfig,
  defaults: () =>
    SummarizerConfig.parse({
      llm: { params: { temperature: 0 }, thinking: false },
      prompts: { system: SYSTEM, user: USER },
    }),
  variables: [
    ...TASK_VARIABLES,
    { name: 'history', description: 'The turns being compressed, as text' },
    { name: 'pinned_artifacts', description: 'Tokens, passwords, ids and values that must survive verbatim' },
  ],
  fields: [
    ...LLM_FIELDS,
    {
      key: 'trigger.type',
      label: 'Trigger',
      type: 'select',
      options: [
        { value: 'tokens', label: 'Context above a token threshold' },
        { value: 'turns', label: 'Every N turns' },
      ],
    },
    { key: 'trigger.threshold', label: 'Threshold (tokens)', type: 'number', min: 100, step: 500 },
    { key: 'trigger.every', label: 'Every N turns', type: 'number', min: 1, step: 1 },
    { key: 'keepLastTurns', label: 'Keep last turns', type: 'number', min: 0, max: 50, step: 1 },
    { key: 'pinArtifacts', label: 'Pin artifacts', type: 'boolean' },
    { key: 'prompts.system', label: 'System prompt', type: 'prompt' },
    { key: 'prompts.user', label: 'User message', type: 'prompt' },
  ],
});
