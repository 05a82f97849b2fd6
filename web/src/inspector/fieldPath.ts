import { type EditorField, type GraphNode, nodeKindSpec } from '@trellis/shared';

/** Reads a dotted path (`llm.params.temperature`) from a config object. */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Returns a copy with the dotted path set (or removed, for `undefined`); objects along the way are copied. */
export function setPath(value: unknown, path: string, next: unknown): unknown {
  const [key, ...rest] = path.split('.');
  const base = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const child = rest.length === 0 ? next : setPath(base[key!], rest.join('.'), next);
  const copy = { ...base };
  if (child === undefined) delete copy[key!];
  else copy[key!] = child;
  return copy;
}

const parentOf = (path: string) => path.split('.').slice(0, -1).join('.');

/**
 * Whether a field applies to the config as it is. A field inside a tagged object (`{type, …}`) shows only when
 * the current variant has it: `context.k` only for "last K turns", `trigger.every` only for "every N turns".
 */
export function isFieldVisible(config: unknown, field: EditorField): boolean {
  const parent = parentOf(field.key);
  if (!parent) return true;
  const holder = getPath(config, parent);
  if (holder === null || typeof holder !== 'object') return true;
  const record = holder as Record<string, unknown>;
  return !('type' in record) || field.key.endsWith('.type') || field.key.split('.').pop()! in record;
}

export type FieldEdit = { ok: true; config: unknown } | { ok: false; message: string };

/**
 * Applies one field's new value to a node's config and checks the result with the kind's schema. Switching a
 * variant (`trigger.type`) fills the new variant's fields from the kind's defaults, then from the field's minimum.
 * An empty number means "unset": the key is dropped, so an optional field disappears and a nullable one falls
 * back to its default.
 */
export function editField(node: GraphNode, field: EditorField, value: unknown): FieldEdit {
  const spec = nodeKindSpec(node.kind);
  let config = setPath(node.config, field.key, value);
  if (field.key.endsWith('.type')) {
    const parent = parentOf(field.key);
    const defaults = spec.defaults();
    for (const sibling of spec.fields) {
      if (parentOf(sibling.key) !== parent || sibling.key === field.key) continue;
      if (getPath(config, sibling.key) !== undefined) continue;
      const fallback =
        getPath(defaults, sibling.key) ?? (sibling.type === 'number' ? (sibling.min ?? 0) : undefined);
      if (fallback !== undefined) config = setPath(config, sibling.key, fallback);
    }
  }
  const parsed = spec.config.safeParse(config);
  if (parsed.success) return { ok: true, config: parsed.data };
  const issue =
    parsed.error.issues.find((i) => i.path.join('.') === field.key) ??
    parsed.error.issues.find((i) => field.key.startsWith(i.path.join('.'))) ??
    parsed.error.issues[0];
  return { ok: false, message: issue?.message ?? 'invalid value' };
}

/** Fields the node binding section owns, so the generic list skips them. */
export const BINDING_KEYS = new Set(['llm.endpointId', 'llm.model']);
