/** Helpers for writing reference solutions as Python an agent would write against `apis`. */

/** A Python literal for a JSON-like value. */
export function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${JSON.stringify(k)}: ${py(v)}`,
  );
  return `{${entries.join(', ')}}`;
}

/**
 * A template tag for Python code: strips the common indentation, and indents every line of a multi-line
 * interpolated snippet to the column where it is placed. The text is taken raw, so `"\n"` and regular
 * expressions reach Python exactly as written.
 */
export function python(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.raw;
  let out = raw[0] ?? '';
  values.forEach((value, index) => {
    const text = String(value);
    const lineStart = out.lastIndexOf('\n') + 1;
    const prefix = out.slice(lineStart);
    const indent = /^\s*$/.test(prefix) ? prefix : '';
    out += text.split('\n').join(`\n${indent}`) + (raw[index + 1] ?? '');
  });
  const lines = out.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const widths = lines.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length);
  const common = widths.length > 0 ? Math.min(...widths) : 0;
  return lines.map((line) => line.slice(common)).join('\n');
}

/** Reads the supervisor's passwords and logs into each app as `<app>_token`. */
export function login(...apps: string[]): string {
  const lines = [
    'passwords = {item["account_name"]: item["password"] for item in apis.supervisor.show_account_passwords()}',
    'email = apis.supervisor.show_profile()["email"]',
    ...apps.map(
      (app) =>
        `${app}_token = apis.${app}.login(username=email, password=passwords[${py(app)}])["access_token"]`,
    ),
  ];
  return lines.join('\n');
}

/** Collects every page of a paginated API into `target`; `kwargs` is the Python argument list without paging. */
export function collect(target: string, app: string, api: string, kwargs: string): string {
  const args = kwargs ? `${kwargs}, ` : '';
  return python`
    ${target} = []
    page = 0
    while True:
        batch = apis.${app}.${api}(${args}page_index=page, page_limit=20)
        if not batch:
            break
        ${target}.extend(batch)
        page += 1
  `;
}

/** Finds the contact with this full name as `<target>`. */
export function findContact(target: string, fullName: string): string {
  return python`
    ${collect('matches', 'phone', 'search_contacts', `access_token=phone_token, query=${py(fullName)}`)}
    ${target} = [c for c in matches if c["first_name"] + " " + c["last_name"] == ${py(fullName)}][0]
  `;
}
