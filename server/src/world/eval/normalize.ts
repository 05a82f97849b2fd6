/** An expected answer: a number, a string, or a list whose order does not matter. */
export type ExpectedAnswer = number | string | readonly string[];

/** Case, surrounding quotes and spaces, runs of white space and a final period do not count. */
export function normalizeText(text: string): string {
  return text
    .trim()
    .replace(/^["']+|["']+$/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\.$/, '')
    .trim()
    .toLowerCase();
}

/** A number from a number or a string such as "$1,234.50"; null otherwise. */
export function parseNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return null;
  const cleaned = value.trim().replace(/^\$/, '').replace(/,/g, '').trim();
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : null;
}

function asList(value: unknown): string[] | null {
  if (Array.isArray(value)) return value.map((item) => normalizeText(String(item)));
  if (typeof value === 'string') {
    return value
      .split(/[,;\n]/)
      .map(normalizeText)
      .filter((item) => item.length > 0);
  }
  return null;
}

export function numbersClose(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.005 + 1e-9;
}

/** Whether `actual` matches `expected` after normalising both. Lists may come as a list or a comma-separated string. */
export function answerMatches(expected: ExpectedAnswer, actual: unknown): boolean {
  if (typeof expected === 'number') {
    const value = parseNumber(actual);
    return value !== null && numbersClose(value, expected);
  }
  if (typeof expected === 'string') {
    if (typeof actual !== 'string' && typeof actual !== 'number') return false;
    return normalizeText(String(actual)) === normalizeText(expected);
  }
  const list = asList(actual);
  if (!list) return false;
  const want = expected.map(normalizeText).sort();
  return JSON.stringify(list.sort()) === JSON.stringify(want);
}

/** Equality for stored values: strings and numbers loosely (as answers), lists as multisets, objects field by field. */
export function valuesMatch(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'string')
    return typeof actual === 'string' && normalizeText(actual) === normalizeText(expected);
  if (typeof expected === 'number') return typeof actual === 'number' && numbersClose(actual, expected);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    const remaining = [...actual];
    return expected.every((item) => {
      const index = remaining.findIndex((candidate) => valuesMatch(item, candidate));
      if (index < 0) return false;
      remaining.splice(index, 1);
      return true;
    });
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}
