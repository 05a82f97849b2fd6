import type { ApiDoc, ApiParameterDoc } from '@trellis/shared';
import type { Api } from './define.ts';
import type { Param } from './params.ts';
import { MESSAGE_SHAPE } from './shape.ts';

function constraintLines(spec: Param<unknown>): string[] {
  const c = spec.constraints;
  const lines: string[] = [];
  const isList = spec.type.startsWith('list');
  if (c.min !== undefined) lines.push(`value >= ${c.min}`);
  if (c.max !== undefined) lines.push(`value <= ${c.max}`);
  if (c.minLength !== undefined) lines.push(`${isList ? 'items' : 'length'} >= ${c.minLength}`);
  if (c.maxLength !== undefined) lines.push(`${isList ? 'items' : 'length'} <= ${c.maxLength}`);
  if (c.options) lines.push(`value in [${c.options.map((o) => JSON.stringify(o)).join(', ')}]`);
  if (c.format === 'email') lines.push('an email address');
  if (c.format === 'date') lines.push('a date as YYYY-MM-DD');
  if (c.format === 'phone') lines.push('a phone number of 10 digits');
  if (c.format === 'path') lines.push("an absolute path starting with '/'");
  return lines;
}

export function accessTokenDoc(appName: string): ApiParameterDoc {
  return {
    name: 'access_token',
    type: 'string',
    required: true,
    description: `Access token from ${appName}.login.`,
    default: null,
    constraints: [],
  };
}

/** The doc of one API, built from the same definition that validates its calls. */
export function apiDoc(appName: string, api: Api): ApiDoc {
  const parameters: ApiParameterDoc[] = Object.entries(api.params).map(([name, spec]) => ({
    name,
    type: spec.type,
    required: spec.required,
    description: spec.description,
    default: spec.required ? null : (spec.default ?? null),
    constraints: constraintLines(spec),
  }));
  if (api.requiresAuth) parameters.unshift(accessTokenDoc(appName));
  return {
    app_name: appName,
    api_name: api.name,
    description: api.description,
    requires_auth: api.requiresAuth,
    parameters,
    response_schemas: { success: api.response, failure: MESSAGE_SHAPE },
  };
}
