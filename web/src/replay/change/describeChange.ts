import type { RunChange } from '@trellis/shared';

function shown(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? 'null';
  const lines = value.split('\n').length;
  if (lines > 1) return `${lines} lines`;
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
}

/** A stored change as lines a person can read: one per setting, override and version. */
export function describeChange(
  change: RunChange,
  endpointName: (id: string) => string = (id) => id,
): string[] {
  const lines: string[] = [];
  if (change.graphVersionId) lines.push(`graph version ${change.graphVersionId}`);
  for (const [nodeId, settings] of Object.entries(change.nodes)) {
    for (const [key, value] of Object.entries(settings)) lines.push(`${nodeId}.${key} = ${shown(value)}`);
  }
  const binding = (b: { endpointId?: string | undefined; model?: string | undefined }) =>
    [b.endpointId ? `endpoint ${endpointName(b.endpointId)}` : null, b.model ? `model ${b.model}` : null]
      .filter(Boolean)
      .join(', ');
  if (change.endpointId || change.model) lines.push(`run default: ${binding(change)}`);
  for (const [nodeId, override] of Object.entries(change.overrides))
    lines.push(`${nodeId}: ${binding(override)}`);
  return lines;
}
