/**
 * Failed sign-ins per user name and client address: after `limit` failures within `windowMs`, that pair is refused
 * until the oldest failure leaves the window. Keyed by the pair, so that someone guessing one person's password
 * from one machine cannot lock that person out everywhere. In memory: a restart forgets it, which costs a guesser
 * a restart per `limit` guesses, each already slowed by scrypt.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 15 * 60 * 1000,
    /** Pairs kept at most; past it, pairs with no recent failure are dropped first. */
    private readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until this pair may try again; 0 when it may now. */
  waitMs(name: string, from: string, now: number): number {
    const recent = this.recent(`${name}\n${from}`, now);
    return recent.length < this.limit ? 0 : recent[0]! + this.windowMs - now;
  }

  failed(name: string, from: string, now: number): void {
    const key = `${name}\n${from}`;
    this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > this.maxKeys) this.prune(now);
  }

  succeeded(name: string, from: string): void {
    this.failures.delete(`${name}\n${from}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
  }

  private prune(now: number): void {
    for (const key of this.failures.keys()) {
      const recent = this.recent(key, now);
      if (recent.length === 0) this.failures.delete(key);
      else this.failures.set(key, recent);
    }
    // Still too many: the oldest pairs go (a Map iterates in insertion order).
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
