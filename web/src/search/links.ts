export const searchHref = (id: string) => `/searches/${encodeURIComponent(id)}`;

/** The list with a compare view of these searches' best-so-far curves. */
export const compareHref = (ids: readonly string[]) =>
  ids.length > 0 ? `/searches?compare=${ids.map(encodeURIComponent).join(',')}` : '/searches';

/** The searches a list URL asks to compare (`?compare=a,b`), each once. */
export function compareIds(search: string): string[] {
  const value = new URLSearchParams(search).get('compare') ?? '';
  return [
    ...new Set(
      value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    ),
  ];
}
