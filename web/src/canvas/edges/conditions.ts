import type { EdgeCondition } from '@trellis/shared';

export type ConditionType = EdgeCondition['type'];

export const CONDITION_OPTIONS: { value: ConditionType; label: string }[] = [
  { value: 'always', label: 'always' },
  { value: 'on_success', label: 'on success' },
  { value: 'on_error', label: 'on error' },
  { value: 'context_over', label: 'context over N tokens' },
  { value: 'done', label: 'done (task complete)' },
];

export const DEFAULT_CONTEXT_TOKENS = 6000;

export function conditionOf(type: ConditionType, previous: EdgeCondition): EdgeCondition {
  if (type === 'context_over')
    return { type, tokens: previous.type === 'context_over' ? previous.tokens : DEFAULT_CONTEXT_TOKENS };
  return { type };
}
