import { z } from 'zod';
import { LLM_FIELDS, LlmBinding, Prompts, TokenBudget } from './common.ts';
import { defineNodeKind } from './spec.ts';

const SYSTEM = `You review one block of Python code that calls app APIs (apis.<app>.<api>(**kwargs)).
You see only the code, the error it produced last, and the docs of the APIs it calls.
Find the mistake (wrong API or argument names, a missing access_token, reading only the first page of a paginated
list, wrong types) and return the corrected code. Do not add steps beyond what the code tries to do, and do not
complete the task yourself.
Answer with one line starting "Diagnosis:", then either the corrected code in one \`\`\`python block, or the
words NO CHANGE if the code is right.`;

const USER = `Code:
\`\`\`python
{{code}}
\`\`\`

Last error or observation:
{{error}}

Docs of the APIs this code calls:
{{api_docs}}`;

export const CorrectorConfig = z
  .object({
    llm: LlmBinding.default(LlmBinding.parse({})),
    prompts: Prompts,
    budget: TokenBudget.default({ maxOutputTokens: 1024, maxTotalTokens: null }),
    /** When the corrector reviews the agent's code. */
    trigger: z.enum(['always', 'after_failure', 'never']).default('after_failure'),
    /** Step in when the agent repeats failing code or produces no code twice in a row. */
    loopBreaker: z.boolean().default(true),
  })
  .strict();
export type CorrectorConfig = z.infer<typeof CorrectorConfig>;

export const correctorKind = defineNodeKind({
  kind: 'corrector',
  label: 'Corrector',
  description: 'Fixes the proposed code in isolation: code, error and API docs, never the conversation',
  presentation: { glyph: '✚', color: '#c05621', order: 30 },
  llm: true,
  config: CorrectorConfig,
  defaults: () =>
    CorrectorConfig.parse({
      llm: { params: { temperature: 0 }, thinking: false },
      prompts: { system: SYSTEM, user: USER },
    }),
  // Deliberately no task or history variables: isolation is what breaks repetitive failure loops.
  variables: [
    { name: 'code', description: 'The code the agent proposed' },
    { name: 'error', description: 'The last error or observation' },
    { name: 'api_docs', description: 'Docs of the APIs the code calls' },
  ],
  fields: [
    ...LLM_FIELDS,
    {
      key: 'trigger',
      label: 'Trigger',
      type: 'select',
      options: [
        { value: 'after_failure', label: 'After a failed execution' },
        { value: 'always', label: 'Always' },
        { value: 'never', label: 'Never (loop-breaker only)' },
      ],
    },
    { key: 'loopBreaker', label: 'Loop-breaker', type: 'boolean' },
    { key: 'prompts.system', label: 'System prompt', type: 'prompt' },
    { key: 'prompts.user', label: 'User message', type: 'prompt' },
  ],
});
