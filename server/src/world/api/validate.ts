import { closestNames } from '../suggest.ts';
import type { Param, Params } from './params.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PHONE = /^\d{10}$/;

export type Validation = { ok: true; values: Record<string, unknown> } | { ok: false; problems: string[] };

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a dict';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isValidDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function checkScalar(name: string, spec: Param<unknown>, type: string, value: unknown): string | null {
  const c = spec.constraints;
  switch (type) {
    case 'string': {
      if (typeof value !== 'string') return `'${name}' must be a string, got ${describe(value)}`;
      if (c.minLength !== undefined && value.length < c.minLength)
        return `'${name}' must have at least ${c.minLength} character(s)`;
      if (c.maxLength !== undefined && value.length > c.maxLength)
        return `'${name}' must have at most ${c.maxLength} characters`;
      if (c.options && !c.options.includes(value))
        return `'${name}' must be one of ${c.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(value)}`;
      if (c.format === 'email' && !EMAIL.test(value))
        return `'${name}' must be an email address, got ${JSON.stringify(value)}`;
      if (c.format === 'date' && !isValidDate(value))
        return `'${name}' must be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`;
      if (c.format === 'phone' && !PHONE.test(value))
        return `'${name}' must be a phone number of 10 digits, got ${JSON.stringify(value)}`;
      if (c.format === 'path' && !value.startsWith('/'))
        return `'${name}' must be an absolute path starting with '/', got ${JSON.stringify(value)}`;
      return null;
    }
    case 'integer':
    case 'number': {
      const ok =
        typeof value === 'number' && Number.isFinite(value) && (type === 'number' || Number.isInteger(value));
      if (!ok)
        return `'${name}' must be ${type === 'integer' ? 'an integer' : 'a number'}, got ${describe(value)}`;
      const n = value as number;
      if (c.min !== undefined && n < c.min) return `'${name}' must be at least ${c.min}, got ${n}`;
      if (c.max !== undefined && n > c.max) return `'${name}' must be at most ${c.max}, got ${n}`;
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean'
        ? null
        : `'${name}' must be a boolean (True or False), got ${describe(value)}`;
    default:
      return null;
  }
}

function checkValue(name: string, spec: Param<unknown>, value: unknown): string | null {
  if (spec.type === 'list[string]' || spec.type === 'list[integer]') {
    if (!Array.isArray(value)) return `'${name}' must be a list, got ${describe(value)}`;
    const c = spec.constraints;
    if (c.minLength !== undefined && value.length < c.minLength)
      return `'${name}' must have at least ${c.minLength} item(s)`;
    if (c.maxLength !== undefined && value.length > c.maxLength)
      return `'${name}' must have at most ${c.maxLength} items`;
    const elementType = spec.type === 'list[string]' ? 'string' : 'integer';
    const elementSpec: Param<unknown> = { ...spec, constraints: { format: c.format, options: c.options } };
    for (const [index, item] of value.entries()) {
      const problem = checkScalar(`${name}[${index}]`, elementSpec, elementType, item);
      if (problem) return problem;
    }
    return null;
  }
  return checkScalar(name, spec, spec.type, value);
}

/** Checks `args` against `params`; on success returns them with defaults filled in. */
export function validateArgs(params: Params, args: Record<string, unknown>): Validation {
  const problems: string[] = [];
  const names = Object.keys(params);
  for (const key of Object.keys(args)) {
    if (key in params) continue;
    const close = closestNames(key, names);
    const hint =
      key === 'access_token'
        ? ' (this API needs no access token)'
        : close.length
          ? ` (did you mean ${close.map((c) => `'${c}'`).join(' or ')}?)`
          : '';
    problems.push(`unknown parameter '${key}'${hint}`);
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(params)) {
    const value = args[name];
    if (value === undefined) {
      if (spec.required) problems.push(`missing required parameter '${name}' (${spec.type})`);
      else values[name] = structuredClone(spec.default);
      continue;
    }
    if (value === null && !spec.required && spec.default === null) {
      values[name] = null;
      continue;
    }
    const problem = checkValue(name, spec, value);
    if (problem) problems.push(problem);
    else values[name] = structuredClone(value);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}
