import { z } from 'zod';

/**
 * When an edge is taken, evaluated after its source node ran. Outgoing edges are tried in order; the first whose
 * condition holds is followed.
 */
export const EdgeCondition = z.discriminatedUnion('type', [
  /** Always taken. */
  z.object({ type: z.literal('always') }),
  /** The source node failed (for the executor: the code raised or an API call failed). */
  z.object({ type: z.literal('on_error') }),
  /** The source node succeeded. */
  z.object({ type: z.literal('on_success') }),
  /** The estimated context of the conversation exceeds this many tokens. */
  z.object({ type: z.literal('context_over'), tokens: z.number().int().min(1).max(10_000_000) }),
  /** The environment reports the task complete. */
  z.object({ type: z.literal('done') }),
]);
export type EdgeCondition = z.infer<typeof EdgeCondition>;

export function describeCondition(condition: EdgeCondition): string {
  switch (condition.type) {
    case 'always':
      return 'always';
    case 'on_error':
      return 'on error';
    case 'on_success':
      return 'on success';
    case 'context_over':
      return `context > ${condition.tokens.toLocaleString('en-US')} tok`;
    case 'done':
      return 'done';
  }
}
