/** Text cut to `max` characters with an ellipsis: experiment names (120) and arm labels (60) have limits. */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `<name> · <what>` within `max` characters, the name shortened first. */
export function labelled(name: string, what: string, max: number): string {
  const suffix = ` · ${what}`;
  return `${fit(name, max - suffix.length)}${suffix}`;
}
