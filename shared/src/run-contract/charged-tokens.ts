import { z } from 'zod';

/**
 * The tokens one model call is charged, as the run records them on its `llm.response`. In a module of its own
 * (charging.ts re-exports it), so a page that applies the charging rule without validating anything (the run
 * page) loads no schema code.
 */
export const ChargedTokens = z.object({
  /** Tokens read: the whole prompt, cached tokens included. */
  prompt: z.number().int().nonnegative(),
  /** Tokens written: answer and reasoning. */
  completion: z.number().int().nonnegative(),
  /** Of `prompt`, those the server said it served from its prefix cache (0 when it did not say). */
  cached: z.number().int().nonnegative(),
  /** True when the server reported no usage and both counts are estimated from characters. */
  estimated: z.boolean(),
});
export type ChargedTokens = z.infer<typeof ChargedTokens>;
