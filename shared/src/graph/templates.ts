/** Prompt templates use `{{name}}` or `{{name.path}}` placeholders. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

export interface TemplateVariableUse {
  name: string;
  /** Character offset of the placeholder in the template. */
  offset: number;
  length: number;
}

/** Every placeholder in a template, in order, with where it sits. */
export function templateVariables(template: string): TemplateVariableUse[] {
  const uses: TemplateVariableUse[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    uses.push({ name: match[1]!, offset: match.index ?? 0, length: match[0].length });
  }
  return uses;
}

/**
 * Fills a template. A missing value renders as an empty string: validation has already rejected variables a
 * node cannot see, so a missing value here means "not available at this step" (e.g. no error yet).
 */
export function renderTemplate(
  template: string,
  values: Record<string, string | number | undefined | null>,
): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? '' : String(value);
  });
}
