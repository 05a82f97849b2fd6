/** An error from our API, carrying its code and the message that names the cause. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function toApiError(response: Response): Promise<ApiRequestError> {
  const text = await response.text();
  // The schemas load only when an error needs reading: a page that never sees one never evaluates zod.
  const { ApiError } = await import('@trellis/shared');
  try {
    const parsed = ApiError.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { code, message, details } = parsed.data.error;
      return new ApiRequestError(response.status, code, message, details);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return new ApiRequestError(response.status, 'http_error', text || `HTTP ${response.status}`);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
