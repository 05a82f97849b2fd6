/** The parameter types an API accepts, named the way the docs show them. */
export type ParamType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'list[string]'
  | 'list[integer]'
  | 'any';

export interface Constraints {
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  /** For strings: the only values allowed. */
  options?: readonly string[];
  /** For strings: a shape checked on top of the type. */
  format?: 'email' | 'date' | 'path' | 'phone';
}

/**
 * One parameter of an API. The same object validates a call and writes its doc, so the two cannot drift.
 * `T` is the value the handler receives (defaults filled in).
 */
export interface Param<T> {
  readonly type: ParamType;
  readonly description: string;
  readonly required: boolean;
  /** The value used when the caller leaves the parameter out; only for optional parameters. */
  readonly default?: unknown;
  readonly constraints: Constraints;
  /** Carries `T` for type inference only; never set. */
  readonly __value?: T;
}

export type Params = Record<string, Param<unknown>>;

/** The arguments a handler receives for a parameter list. */
export type Args<P extends Params> = { [K in keyof P]: P[K] extends Param<infer V> ? V : never };

function make<T>(type: ParamType, description: string, constraints: Constraints = {}): Param<T> {
  return { type, description, required: true, constraints };
}

/** Builders for required parameters; wrap with `optional` or `nullable` to give a default. */
export const param = {
  string: (description: string, constraints?: Constraints) =>
    make<string>('string', description, constraints),
  integer: (description: string, constraints?: Constraints) =>
    make<number>('integer', description, constraints),
  number: (description: string, constraints?: Constraints) =>
    make<number>('number', description, constraints),
  boolean: (description: string) => make<boolean>('boolean', description),
  strings: (description: string, constraints?: Constraints) =>
    make<string[]>('list[string]', description, constraints),
  integers: (description: string, constraints?: Constraints) =>
    make<number[]>('list[integer]', description, constraints),
  any: (description: string) => make<unknown>('any', description),
  choice: <const O extends readonly string[]>(description: string, options: O) =>
    make<O[number]>('string', description, { options }),
};

/** The parameter may be left out; the handler then receives `fallback`. */
export function optional<T>(p: Param<T>, fallback: T): Param<T> {
  return { ...p, required: false, default: fallback };
}

/** The parameter may be left out or passed as null; the handler then receives null. */
export function nullable<T>(p: Param<T>): Param<T | null> {
  return { ...p, required: false, default: null };
}
