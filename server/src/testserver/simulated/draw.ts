/**
 * Seeded draws: a number in [0, 1) from a hash of its key, so the same (seed, task, step, what) always draws the
 * same value, in any process, in any order. No generator state is kept between requests.
 */
export function draw(...key: (string | number)[]): number {
  return hash53(key.join('\u241f')) / 2 ** 53;
}

/** Picks one item of a non-empty list with a draw. */
export function pick<T>(items: readonly T[], ...key: (string | number)[]): T {
  const item = items[Math.floor(draw(...key) * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** A hex string of `length` characters, from the key. */
export function hexOf(length: number, ...key: (string | number)[]): string {
  let out = '';
  for (let i = 0; out.length < length; i++)
    out += hash53([...key, i].join('\u241f'))
      .toString(16)
      .padStart(14, '0')
      .slice(-8);
  return out.slice(0, length);
}

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain). */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
