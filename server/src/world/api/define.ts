import type { WorldState } from '../state.ts';
import type { Args, Params } from './params.ts';
import type { Shape } from './shape.ts';

/** What a handler sees: the live state, the logged-in user and the other apps (for the docs app). */
export interface ApiContext {
  state: WorldState;
  /** Email of the account whose token was passed; empty for APIs that need no login. */
  user: string;
  now: string;
  apps: ReadonlyMap<string, App>;
}

/** One API, declared once: the world validates calls against it and the docs app prints it. */
export interface ApiDefinition<P extends Params> {
  name: string;
  description: string;
  /** When true the caller must pass `access_token` from this app's `login`; it is checked before anything else. */
  requiresAuth: boolean;
  params: P;
  /** The shape of a successful response. */
  response: Shape;
  handler: (ctx: ApiContext, args: Args<P>) => unknown;
}

/** An API with its parameter types erased, as the world stores it. */
export interface Api {
  name: string;
  description: string;
  requiresAuth: boolean;
  params: Params;
  response: Shape;
  run: (ctx: ApiContext, args: Record<string, unknown>) => unknown;
}

export interface App {
  name: string;
  description: string;
  apis: readonly Api[];
}

export function defineApi<P extends Params>(definition: ApiDefinition<P>): Api {
  const { handler, ...rest } = definition;
  // The world validates `args` against `params` before calling, so the cast only restores what was checked.
  return { ...rest, run: (ctx, args) => handler(ctx, args as Args<P>) };
}

export function defineApp(name: string, description: string, apis: readonly Api[]): App {
  const seen = new Set<string>();
  for (const api of apis) {
    if (seen.has(api.name)) throw new Error(`app ${name} declares ${api.name} twice`);
    seen.add(api.name);
  }
  return { name, description, apis };
}
