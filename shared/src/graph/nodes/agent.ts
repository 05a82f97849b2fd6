import { z } from 'zod';
import { ContextPolicy, LLM_FIELDS, LlmBinding, Prompts, TASK_VARIABLES, TokenBudget } from './common.ts';
import { defineNodeKind } from './spec.ts';

const SYSTEM = `You are an agent that completes tasks for your supervisor by writing Python code that calls app APIs.

Each turn, think briefly, then write exactly one Python code block:
\`\`\`python
# your code
\`\`\`
The code runs in a stateful interpreter: variables persist between turns. Call APIs as apis.<app>.<api>(**kwargs)
and print what you need to see; the printed output comes back to you.

Rules:
- Read the docs before using an app: apis.api_docs.show_api_descriptions(app_name=...) and
  apis.api_docs.show_api_doc(app_name=..., api_name=...).
- Passwords: apis.supervisor.show_account_passwords(). Log in with apis.<app>.login(username=<email>, password=...)
  and pass the returned access_token to later calls.
- List APIs are paginated (page_index, page_limit): loop until a page comes back empty.
- Never guess ids or values; look them up.
- When done, call apis.supervisor.complete_task(answer=...) (answer only if the task asks a question), or
  apis.supervisor.complete_task(status="fail") if it cannot be done.`;

const USER = `Supervisor: {{supervisor.name}} ({{supervisor.email}}, {{supervisor.phone}})
Date: {{task.datetime}}

Task: {{task.instruction}}

Apps available:
{{api_docs}}`;

export const AgentConfig = z
  .object({
    llm: LlmBinding.default(LlmBinding.parse({})),
    prompts: Prompts,
    budget: TokenBudget.default({ maxOutputTokens: 1536, maxTotalTokens: null }),
    context: ContextPolicy.default({ type: 'compressed' }),
  })
  .strict();
export type AgentConfig = z.infer<typeof AgentConfig>;

export const agentKind = defineNodeKind({
  kind: 'agent',
  label: 'Agent',
  description: 'Reasons over the context and writes the next Python action',
  presentation: { glyph: '◆', color: '#2f6fdf', order: 20 },
  llm: true,
  config: AgentConfig,
  defaults: () =>
    AgentConfig.parse({
      llm: { params: { temperature: 0.7, top_p: 0.8, top_k: 20 }, thinking: false },
      prompts: { system: SYSTEM, user: USER },
    }),
  variables: [
    ...TASK_VARIABLES,
    { name: 'api_docs', description: 'One line per app: its name and what it does' },
    { name: 'last_observation', description: 'What the last executed action printed or raised' },
  ],
  fields: [
    ...LLM_FIELDS,
    {
      key: 'context.type',
      label: 'Context',
      type: 'select',
      options: [
        { value: 'compressed', label: 'Compressed history' },
        { value: 'full', label: 'Full history' },
        { value: 'last_k', label: 'Last K turns' },
        { value: 'inputs_only', label: 'Inputs only' },
      ],
    },
    { key: 'context.k', label: 'K (turns)', type: 'number', min: 1, max: 200, step: 1 },
    { key: 'prompts.system', label: 'System prompt', type: 'prompt' },
    { key: 'prompts.user', label: 'First user message', type: 'prompt' },
  ],
});
