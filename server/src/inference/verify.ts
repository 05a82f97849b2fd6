import type { EndpointVerification, InferenceError, ServedModel, VerificationCheck } from '@trellis/shared';
import {
  checkBaseUrl,
  describeBase,
  httpError,
  networkError,
  readVendorError,
  redact,
  redactError,
} from './errors.ts';
import { getText, readModels } from './probe.ts';

export interface VerifyOptions {
  baseUrl: string;
  apiKey?: string | null;
  model?: string | null;
  timeoutMs: number;
}

export type Verification =
  | { ok: true; verification: EndpointVerification }
  | { ok: false; error: InferenceError };

const CHAT = 'POST /chat/completions';
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * Checks, before an endpoint is saved, that its server answers with a model list, serves the default model and
 * accepts the key. Many servers leave `GET /models` open (a proxy may guard only POST), so the key is tried on
 * the request it is for: a streamed chat completion of at most one token, dropped once its headers arrive.
 * Returns the reason when a check fails, else what was checked and what could not be (a server still loading,
 * no model to ask for, a chat request that timed out).
 */
export async function verifyEndpoint(options: VerifyOptions): Promise<Verification> {
  const checked = checkBaseUrl(options.baseUrl);
  if ('error' in checked) return { ok: false, error: checked.error };
  const base = options.baseUrl.replace(/\/+$/, '');
  const listed = await listModels(base, options);
  if ('error' in listed) return { ok: false, error: listed.error };
  if (listed.loading) return { ok: true, verification: { checks: whileLoading(base, options), models: [] } };
  const { models } = listed;
  const checks: VerificationCheck[] = [
    {
      subject: 'server',
      result: 'passed',
      detail: `${describeBase(base)}/models listed ${models.length === 1 ? '1 model' : `${models.length} models`}`,
    },
  ];
  if (options.model) {
    const modelError = modelMissing(base, options.model, models);
    if (modelError) return { ok: false, error: modelError };
    checks.push({
      subject: 'model',
      result: 'passed',
      detail: `'${options.model}' is among the served models`,
    });
  }
  const keyCheck = await checkKeyOnChat(base, options, options.model || models[0]?.id);
  if ('error' in keyCheck) return { ok: false, error: keyCheck.error };
  checks.push(keyCheck);
  return { ok: true, verification: { checks, models } };
}

type Listed = { error: InferenceError } | { loading: true } | { loading: false; models: ServedModel[] };

async function listModels(base: string, options: VerifyOptions): Promise<Listed> {
  const where = describeBase(base);
  const result = await getText(`${base}/models`, options.apiKey, options.timeoutMs);
  if (!result.ok) return { error: result.error };
  if (result.status === 401 || result.status === 403) {
    return { error: keyRefused(base, 'GET /models', result.status, result.body, options.apiKey) };
  }
  if (result.status === 503) return { loading: true };
  if (result.status === 404) {
    return {
      error: {
        code: 'invalid_url',
        status: 404,
        message: `${where}/models answered 404: no OpenAI-compatible API at this base URL — it usually ends in /v1`,
      },
    };
  }
  if (result.status !== 200) {
    const context = { baseUrl: base, request: 'GET /models', sentKey: Boolean(options.apiKey) };
    return { error: redactError(httpError(result.status, result.body, context), options.apiKey) };
  }
  const models = readModels(result.body);
  if (models === null) {
    return {
      error: {
        code: 'invalid_url',
        message: `${where}/models did not answer with a model list — is this an OpenAI-compatible base URL?`,
      },
    };
  }
  return { loading: false, models };
}

function whileLoading(base: string, options: VerifyOptions): VerificationCheck[] {
  const why = 'the server is still loading its model';
  const checks: VerificationCheck[] = [
    {
      subject: 'server',
      result: 'passed',
      detail: `${describeBase(base)}/models answered HTTP 503: up, ${why}`,
    },
    {
      subject: 'api_key',
      result: 'unchecked',
      detail: `not checked whether the server ${options.apiKey ? 'accepts the API key' : 'needs an API key'}: ${why}`,
    },
  ];
  if (options.model) {
    checks.push({
      subject: 'model',
      result: 'unchecked',
      detail: `not checked whether '${options.model}' is served: ${why}`,
    });
  }
  return checks;
}

function modelMissing(base: string, model: string, models: ServedModel[]): InferenceError | null {
  if (models.some((m) => m.id === model)) return null;
  const served =
    models.length > 0 ? `it serves: ${models.map((m) => m.id).join(', ')}` : 'it serves no models';
  return {
    code: 'model_not_found',
    message: `${describeBase(base)} does not serve model '${model}'; ${served}`,
  };
}

/** A 401 or 403: the key was refused, or the server wants one and none was given. */
function keyRefused(
  base: string,
  request: string,
  status: number,
  body: string,
  apiKey: string | null | undefined,
): InferenceError {
  const vendor = readVendorError(body);
  const answer = `HTTP ${status} to ${request}${vendor.message ? `: ${vendor.message}` : ''}`;
  const message = apiKey
    ? `${describeBase(base)} rejected the API key (${answer}) — check the endpoint's API key`
    : `${describeBase(base)} requires an API key (${answer}) — add one to the endpoint`;
  return {
    code: 'unauthorized',
    status,
    message: redact(message, apiKey),
    ...(vendor.type ? { vendorType: redact(vendor.type, apiKey) } : {}),
  };
}

type ChatAnswer = { status: number; body: string } | { failed: string };

/**
 * Sends a chat completion that needs the key and reads only its status: a streamed request's headers come once
 * the server has authenticated and validated it, before any token is generated.
 */
async function askChat(base: string, apiKey: string | null | undefined, model: string, timeoutMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 1,
        stream: true,
      }),
      // A POST is not replayed across a redirect; the redirect is reported as the answer.
      redirect: 'manual',
      signal: controller.signal,
    });
    if (response.ok || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, body: '' } satisfies ChatAnswer;
    }
    const text = await response.text();
    return { status: response.status, body: text.slice(0, ERROR_BODY_LIMIT) } satisfies ChatAnswer;
  } catch (error) {
    if (controller.signal.aborted)
      return { failed: `got no answer within ${timeoutMs} ms` } satisfies ChatAnswer;
    const explained = redactError(networkError(error, base, false), apiKey);
    return { failed: `failed: ${explained.message}` } satisfies ChatAnswer;
  } finally {
    clearTimeout(timer);
  }
}

async function checkKeyOnChat(
  base: string,
  options: VerifyOptions,
  model: string | undefined,
): Promise<VerificationCheck | { error: InferenceError }> {
  const withKey = Boolean(options.apiKey);
  const question = withKey ? 'whether the server accepts the API key' : 'whether the server needs an API key';
  if (!model) {
    return {
      subject: 'api_key',
      result: 'unchecked',
      detail: `not checked ${question} for chat completions: it lists no model to ask for`,
    };
  }
  const request = `${CHAT} for '${model}' (at most 1 token)`;
  const answer: ChatAnswer = await askChat(base, options.apiKey, model, options.timeoutMs);
  if ('failed' in answer) {
    return {
      subject: 'api_key',
      result: 'unchecked',
      detail: redact(
        `not checked ${question} for chat completions: ${request} ${answer.failed}`,
        options.apiKey,
      ),
    };
  }
  const { status } = answer;
  if (status === 401 || status === 403) {
    return { error: keyRefused(base, CHAT, status, answer.body, options.apiKey) };
  }
  if (status >= 200 && status < 300) {
    return {
      subject: 'api_key',
      result: 'passed',
      detail: withKey
        ? `the server accepted the API key: ${request} answered HTTP ${status}`
        : `the server needs no API key: ${request} without one answered HTTP ${status}`,
    };
  }
  const said = readVendorError(answer.body).message;
  const reply = redact(`HTTP ${status}${said ? ` (${said})` : ''}`, options.apiKey);
  // Servers authenticate before they validate a request, so a 400 or 422 means the key got through.
  if (status === 400 || status === 422) {
    return {
      subject: 'api_key',
      result: 'passed',
      detail: withKey
        ? `the server did not refuse the API key: ${request} answered ${reply}, not 401 or 403`
        : `the server needs no API key: ${request} without one answered ${reply}, not 401 or 403`,
    };
  }
  return {
    subject: 'api_key',
    result: 'unchecked',
    detail: `not checked ${question} for chat completions: ${request} answered ${reply}`,
  };
}
