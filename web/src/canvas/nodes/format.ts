/** 6000 → "6k", 1536 → "1,536", 12500 → "12.5k": compact enough for a node's face. */
export function formatTokens(n: number): string {
  if (n >= 1000 && n % 100 === 0)
    return `${(n / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k`;
  return n.toLocaleString('en-US');
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} s` : `${ms} ms`;
}
