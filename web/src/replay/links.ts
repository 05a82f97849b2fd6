/** Where the compare page shows two runs side by side. */
export function compareHref(left: string, right: string): string {
  return `/compare?left=${encodeURIComponent(left)}&right=${encodeURIComponent(right)}`;
}
