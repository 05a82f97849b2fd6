/** A leaf of a response shape, as the docs print it. */
export type ShapeLeaf =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'any'
  | 'string | null'
  | 'integer | null'
  | 'number | null';

/** A response shape: a leaf, a list of one element shape (`[shape]`), or an object of shapes. */
export type Shape = ShapeLeaf | readonly [Shape] | { readonly [key: string]: Shape };

export const MESSAGE_SHAPE = { message: 'string' } as const satisfies Shape;

function leafMatches(leaf: ShapeLeaf, value: unknown): boolean {
  const [base, nullable] = leaf.split(' | ');
  if (value === null) return nullable === 'null' || base === 'any';
  switch (base) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** Where `value` departs from `shape`, as "path: problem" lines; empty when it conforms. */
export function shapeMismatches(shape: Shape, value: unknown, path = '$'): string[] {
  if (typeof shape === 'string') {
    return leafMatches(shape, value) ? [] : [`${path}: expected ${shape}, got ${JSON.stringify(value)}`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${path}: expected a list`];
    const element = (shape as readonly [Shape])[0];
    return value.flatMap((item, index) => shapeMismatches(element, item, `${path}[${index}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [`${path}: expected an object`];
  const fields = shape as { readonly [key: string]: Shape };
  const record = value as Record<string, unknown>;
  const problems = Object.keys(record)
    .filter((key) => !(key in fields))
    .map((key) => `${path}.${key}: not in the documented shape`);
  for (const [key, fieldShape] of Object.entries(fields)) {
    if (!(key in record)) problems.push(`${path}.${key}: missing`);
    else problems.push(...shapeMismatches(fieldShape, record[key], `${path}.${key}`));
  }
  return problems;
}
