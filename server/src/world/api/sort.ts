/** Sort options as APIs accept them: "field" ascending, "-field" descending. */
export function sortOptions<const F extends readonly string[]>(fields: F): string[] {
  return fields.flatMap((field) => [field, `-${field}`]);
}

/** Sorts by `field` (prefix "-" for descending), ties broken by id so pages are stable. */
export function sortBy<T extends { id: number }>(
  rows: readonly T[],
  spec: string,
  read: (row: T, field: string) => string | number | null,
): T[] {
  const descending = spec.startsWith('-');
  const field = descending ? spec.slice(1) : spec;
  return [...rows].sort((a, b) => {
    const x = read(a, field);
    const y = read(b, field);
    let order = 0;
    if (x === null || y === null) order = x === y ? 0 : x === null ? 1 : -1;
    else if (typeof x === 'number' && typeof y === 'number') order = x - y;
    else order = String(x).localeCompare(String(y));
    if (descending && x !== null && y !== null) order = -order;
    return order || a.id - b.id;
  });
}

export function includesText(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.trim().toLowerCase());
}
