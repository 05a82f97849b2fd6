import type { InferenceError, InferenceErrorCode } from '@trellis/shared';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A base URL as it may appear in a message: no user-info, query or fragment. */
export function describeBase(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.replace(/\/\/[^@/]*@/, '//').replace(/[?#].*$/, '');
  }
}

/** Removes a secret from text that may echo it (some vendors quote the rejected key). */
export function redact(text: string, secret: string | null | undefined): string {
  if (!secret || secret.length < 3) return text;
  return text.split(secret).join('[redacted]');
}

export function redactError(error: InferenceError, secret: string | null | undefined): InferenceError {
  if (!secret) return error;
  const message = redact(error.message, secret);
  const vendorType = error.vendorType === undefined ? undefined : redact(error.vendorType, secret);
  return { ...error, message, ...(vendorType === undefined ? {} : { vendorType }) };
}

/** Parses a URL the way `fetch` will, or explains what is wrong with it. */
export function checkBaseUrl(baseUrl: string): { url: URL } | { error: InferenceError } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return {
      error: {
        code: 'invalid_url',
        message: `'${describeBase(baseUrl)}' is not a valid URL; expected something like http://gpu-host:8000/v1`,
      },
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      error: { code: 'invalid_url', message: `${describeBase(baseUrl)} must use http:// or https://` },
    };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      error: {
        code: 'invalid_url',
        message: `${describeBase(baseUrl)} carries credentials in the URL; put the key in the endpoint's API key instead`,
      },
    };
  }
  return { url };
}

interface CodedCause {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function causeOf(error: unknown): { code: string | undefined; message: string } {
  let current: unknown = error;
  // fetch wraps the socket error in `TypeError: fetch failed` (sometimes twice).
  for (let depth = 0; depth < 4 && isRecord(current); depth++) {
    const coded = current as CodedCause;
    if (typeof coded.code === 'string') {
      return { code: coded.code, message: typeof coded.message === 'string' ? coded.message : '' };
    }
    if (coded.cause === undefined) break;
    current = coded.cause;
  }
  const message = current instanceof Error ? current.message : String(current);
  return { code: undefined, message };
}

/**
 * Explains a failed `fetch` (or a failed body read). `started` says whether response headers had arrived: a
 * reset before them means the server refused or crashed, after them that the stream was cut.
 */
export function networkError(error: unknown, baseUrl: string, started: boolean): InferenceError {
  const where = describeBase(baseUrl);
  const { code, message } = causeOf(error);
  let host = where;
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    // keep the described URL
  }
  switch (code) {
    case 'ECONNREFUSED':
      return {
        code: 'connection_refused',
        message: `cannot connect to ${where}: connection refused — is the server running?`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return {
        code: 'dns_failure',
        message: `cannot resolve host '${host}' of ${where} (DNS lookup failed) — check the host name`,
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return {
        code: 'connection_refused',
        message: `cannot reach ${where}: no route to the host — check the address and the network`,
      };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return {
        code: 'connection_refused',
        message: `cannot connect to ${where}: the connection attempt timed out — check the address and firewall`,
      };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return {
        code: 'first_token_timeout',
        message: `${where} accepted the connection but sent no response headers in time`,
      };
    case 'UND_ERR_BODY_TIMEOUT':
      return {
        code: started ? 'idle_timeout' : 'first_token_timeout',
        message: `${where} stopped sending data (the HTTP client's body timeout elapsed)`,
      };
    default:
      break;
  }
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) {
    return {
      code: 'connection_refused',
      message: `cannot connect to ${where}: TLS failed (${message || code})`,
    };
  }
  if (message === 'bad port') {
    // fetch refuses a fixed list of ports (9, 6000, 6665–6669, 10080…) before any packet is sent.
    return {
      code: 'connection_refused',
      message: `cannot connect to ${where}: the HTTP client refuses to contact this port (a reserved one) — run the server on another port`,
    };
  }
  if (started) {
    return {
      code: 'connection_lost',
      message: `the connection to ${where} was lost mid-stream (${message || code || 'closed'}) — the server may have crashed or restarted`,
    };
  }
  return {
    code: 'connection_lost',
    message: `the connection to ${where} closed before a response arrived (${message || code || 'closed'}) — check the server's log`,
  };
}

/** What a vendor's error body says, in any of the shapes servers use. */
export interface VendorError {
  message: string | undefined;
  type: string | undefined;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * Reads `{error: {message, type, code}}` (vLLM, OpenAI, llama.cpp), `{object: "error", message, type}`
 * (SGLang), `{error, error_type}` (TGI), `{detail}` (FastAPI) or plain text.
 */
export function readVendorError(body: unknown): VendorError {
  if (typeof body === 'string') {
    const text = body.trim();
    if (text === '') return { message: undefined, type: undefined };
    try {
      return readVendorError(JSON.parse(text) as unknown);
    } catch {
      const plain = text.startsWith('<')
        ? text
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
        : text;
      return { message: plain.slice(0, 300), type: undefined };
    }
  }
  if (!isRecord(body)) return { message: undefined, type: undefined };
  const error = body.error;
  if (isRecord(error)) {
    return {
      message: stringOf(error.message),
      type: stringOf(error.type) ?? stringOf(error.code),
    };
  }
  if (typeof error === 'string') return { message: error, type: stringOf(body.error_type) };
  if (body.object === 'error' || typeof body.message === 'string') {
    return { message: stringOf(body.message), type: stringOf(body.type) ?? stringOf(body.code) };
  }
  if (body.detail !== undefined) {
    const detail = typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail).slice(0, 300);
    return { message: detail, type: undefined };
  }
  return { message: undefined, type: undefined };
}

const MODEL_MISSING =
  /\bmodel\b[^.]*\b(does not exist|not found|doesn't exist|is not (served|available|loaded))|\b(unknown|invalid|no such) model\b/i;

/** Whether a vendor message says the requested model is not there (vLLM says so with 404, others with 400). */
export function saysModelMissing(message: string | undefined): boolean {
  return message !== undefined && MODEL_MISSING.test(message);
}

export interface HttpErrorContext {
  baseUrl: string;
  /** What was asked for, e.g. `POST /chat/completions`. */
  request: string;
  model?: string | undefined;
  sentKey: boolean;
}

/** Maps an HTTP error response to a code and a sentence naming the server, the status and the vendor's words. */
export function httpError(status: number, body: string, context: HttpErrorContext): InferenceError {
  const where = describeBase(context.baseUrl);
  const vendor = readVendorError(body);
  const said = vendor.message ? `: ${vendor.message}` : '';
  const base = { status, ...(vendor.type ? { vendorType: vendor.type } : {}) };
  const model = context.model ? ` '${context.model}'` : '';
  let code: InferenceErrorCode;
  let message: string;
  if (status === 401 || status === 403) {
    code = 'unauthorized';
    const hint = context.sentKey
      ? "check the endpoint's API key"
      : 'the server requires an API key; add one to the endpoint';
    message = `${where} refused the request with HTTP ${status}${said} — ${hint}`;
  } else if (status === 404 || ((status === 400 || status === 422) && saysModelMissing(vendor.message))) {
    code = 'model_not_found';
    message = saysModelMissing(vendor.message)
      ? `${where} does not serve the model${model}${said}`
      : `${where} answered HTTP 404 to ${context.request}${said} — check the model name${model} and that the base URL ends where the API starts (usually /v1)`;
  } else if (status === 429) {
    code = 'rate_limited';
    message = `${where} is rate limiting or overloaded (HTTP 429)${said} — wait and try again`;
  } else if (status >= 500 || status === 424) {
    code = 'server_error';
    const hint =
      status === 503 ? ' — the server may still be loading the model' : " — check the server's log";
    message = `${where} failed with HTTP ${status}${said}${hint}`;
  } else {
    code = 'bad_request';
    message = `${where} rejected the request with HTTP ${status}${said}`;
  }
  return { code, message, ...base };
}
