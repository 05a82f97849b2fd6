import { z } from 'zod';
import { SamplingParams } from '../../inference.ts';

/** Where an LLM node sends its requests. Null endpoint or model means "the run's default". */
export const LlmBinding = z
  .object({
    endpointId: z.string().min(1).max(64).nullable().default(null),
    model: z.string().min(1).max(256).nullable().default(null),
    params: SamplingParams.default({}),
    /** Qwen3-style thinking; off sends chat_template_kwargs.enable_thinking=false. */
    thinking: z.boolean().default(false),
  })
  .strict();
export type LlmBinding = z.infer<typeof LlmBinding>;

export const Prompts = z
  .object({
    system: z.string().max(200_000),
    user: z.string().max(200_000),
  })
  .strict();
export type Prompts = z.infer<typeof Prompts>;

/** What history a node sees. */
export const ContextPolicy = z.discriminatedUnion('type', [
  /** The whole conversation since the task began. */
  z.object({ type: z.literal('full') }),
  /** The conversation as the summarizer last left it (full history when no summary exists yet). */
  z.object({ type: z.literal('compressed') }),
  /** The last K turns only. */
  z.object({ type: z.literal('last_k'), k: z.number().int().min(1).max(200) }),
  /** Nothing but the node's own inputs. */
  z.object({ type: z.literal('inputs_only') }),
]);
export type ContextPolicy = z.infer<typeof ContextPolicy>;

export const TokenBudget = z
  .object({
    /** Output tokens per call (sent as max_tokens). */
    maxOutputTokens: z.number().int().min(1).max(131_072),
    /** Total tokens (in + out) this node may spend over the whole run; null for no limit. */
    maxTotalTokens: z.number().int().min(1).max(100_000_000).nullable().default(null),
  })
  .strict();
export type TokenBudget = z.infer<typeof TokenBudget>;

/** One editor field described as data, so the inspector needs no per-kind code. */
export type EditorField =
  | { key: string; label: string; type: 'text'; help?: string }
  | { key: string; label: string; type: 'number'; min?: number; max?: number; step?: number; help?: string }
  | { key: string; label: string; type: 'select'; options: { value: string; label: string }[]; help?: string }
  | { key: string; label: string; type: 'boolean'; help?: string }
  | { key: string; label: string; type: 'prompt'; help?: string };

/** A template variable a node may use, with what it holds. */
export interface VariableDoc {
  name: string;
  description: string;
}

/** Shared variable docs: the task is visible to every LLM node. */
export const TASK_VARIABLES: VariableDoc[] = [
  { name: 'task.instruction', description: 'The task instruction given by the supervisor' },
  { name: 'task.id', description: 'The task id' },
  { name: 'task.datetime', description: "The task's current date and time" },
  { name: 'supervisor.name', description: "The supervisor's full name" },
  { name: 'supervisor.email', description: "The supervisor's email" },
  { name: 'supervisor.phone', description: "The supervisor's phone number" },
  { name: 'step', description: 'The current step number (1-based)' },
  { name: 'max_steps', description: 'The step limit of the run' },
];

export const LLM_FIELDS: EditorField[] = [
  { key: 'llm.model', label: 'Model', type: 'text', help: "Empty: the endpoint's default model" },
  { key: 'llm.params.temperature', label: 'Temperature', type: 'number', min: 0, max: 2, step: 0.05 },
  { key: 'llm.params.top_p', label: 'Top-p', type: 'number', min: 0, max: 1, step: 0.05 },
  { key: 'llm.params.top_k', label: 'Top-k', type: 'number', min: -1, max: 1000, step: 1 },
  { key: 'llm.thinking', label: 'Thinking', type: 'boolean', help: 'Qwen3 enable_thinking' },
  {
    key: 'budget.maxOutputTokens',
    label: 'Max output tokens',
    type: 'number',
    min: 1,
    max: 131072,
    step: 64,
  },
  { key: 'budget.maxTotalTokens', label: 'Token budget (run)', type: 'number', min: 1, step: 1000 },
];
