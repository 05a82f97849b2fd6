/**
 * A stand-in for a server's prefix cache: a prompt's cached part is its longest common prefix with one of the
 * last few prompts, in whole cache blocks. Only reported numbers (usage, /metrics, simulated prefill time)
 * depend on it, never what a reply says.
 */
export class PrefixCache {
  private prompts: string[] = [];

  constructor(
    private readonly capacity = 1,
    /** Tokens per cache block (vLLM counts whole blocks); 1 counts every token. */
    private readonly blockTokens = 1,
  ) {}

  /** Cached tokens for this prompt (about four characters a token), without remembering it. */
  measure(prompt: string, promptTokens: number): number {
    let best = 0;
    for (const earlier of this.prompts) {
      const limit = Math.min(prompt.length, earlier.length);
      let common = 0;
      while (common < limit && prompt.charCodeAt(common) === earlier.charCodeAt(common)) common++;
      if (common > best) best = common;
    }
    const tokens = Math.min(promptTokens, Math.floor(best / 4));
    return tokens - (tokens % this.blockTokens);
  }

  remember(prompt: string): void {
    this.prompts = [prompt, ...this.prompts.filter((p) => p !== prompt)].slice(0, this.capacity);
  }

  clear(): void {
    this.prompts = [];
  }
}
