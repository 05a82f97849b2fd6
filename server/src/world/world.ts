import type { WorldCallResult, WorldCompletion, WorldEvaluation, WorldTask } from '@trellis/shared';
import { sessionUser } from './api/auth.ts';
import type { App } from './api/define.ts';
import { ApiFailure } from './api/failure.ts';
import { shapeMismatches } from './api/shape.ts';
import { validateArgs } from './api/validate.ts';
import { APPS } from './apps/index.ts';
import { cloneState, type WorldState } from './state.ts';
import { suggestion } from './suggest.ts';

export interface WorldOptions {
  /** Throw when a handler's response departs from its documented shape (tests turn this on). */
  checkResponses?: boolean;
}

/** Judges a finished world against its task: gets the state before and after. */
export type Evaluator = (initial: WorldState, final: WorldState) => WorldEvaluation;

function failure(status: number, message: string): WorldCallResult {
  return { status, body: { message } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A running app world. Every call is synchronous and JSON in, JSON out, so a Python bridge can forward
 * `apis.<app>.<api>(**kwargs)` to `call(app, api, kwargs)` unchanged.
 */
export class World {
  private state: WorldState;
  private readonly initial: WorldState;

  constructor(
    /** The task this world was built for; null for a world made from a seed alone. */
    readonly task: WorldTask | null,
    state: WorldState,
    private readonly evaluator: Evaluator | null = null,
    private readonly options: WorldOptions = {},
    readonly apps: ReadonlyMap<string, App> = APPS,
  ) {
    this.initial = cloneState(state);
    this.state = cloneState(state);
  }

  /** Runs one API call. Errors come back as a status with `{message}`, never as exceptions. */
  call(appName: string, apiName: string, args: Record<string, unknown> = {}): WorldCallResult {
    const app = this.apps.get(appName);
    if (!app) {
      return failure(
        404,
        `No app named '${appName}'.${suggestion(appName, [...this.apps.keys()])} Call api_docs.show_app_descriptions() to list the apps.`,
      );
    }
    const api = app.apis.find((candidate) => candidate.name === apiName);
    if (!api) {
      const names = app.apis.map((candidate) => candidate.name);
      return failure(
        404,
        `App '${appName}' has no API named '${apiName}'.${suggestion(apiName, names)} Call api_docs.show_api_descriptions(app_name='${appName}') to list its APIs.`,
      );
    }
    if (!isPlainObject(args)) return failure(422, 'Arguments must be passed as keyword arguments.');

    let user = '';
    let rest = args;
    if (api.requiresAuth) {
      const { access_token: token, ...others } = args;
      rest = others;
      if (token === undefined || token === null) {
        return failure(
          401,
          `${appName}.${apiName} requires an access_token. Get one with ${appName}.login(username=<email>, password=<password>).`,
        );
      }
      user = typeof token === 'string' ? (sessionUser(this.state, appName, token) ?? '') : '';
      if (!user)
        return failure(
          401,
          `The access_token is invalid or expired for ${appName}. Log in again with ${appName}.login.`,
        );
    }

    const validation = validateArgs(api.params, rest);
    if (!validation.ok)
      return failure(422, `Invalid arguments for ${appName}.${apiName}: ${validation.problems.join('; ')}.`);

    let result: unknown;
    try {
      result = api.run(
        { state: this.state, user, now: this.state.meta.now, apps: this.apps },
        validation.values,
      );
    } catch (error) {
      if (error instanceof ApiFailure) return failure(error.status, error.message);
      if (this.options.checkResponses) throw error;
      return failure(
        500,
        `Internal error in ${appName}.${apiName}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const body: unknown = result === undefined ? null : JSON.parse(JSON.stringify(result));
    if (this.options.checkResponses) {
      const problems = shapeMismatches(api.response, body);
      if (problems.length > 0)
        throw new Error(`${appName}.${apiName} broke its response schema: ${problems.join('; ')}`);
    }
    return { status: 200, body };
  }

  /** A deep copy of the current state. */
  snapshot(): WorldState {
    return cloneState(this.state);
  }

  /** A deep copy of the state the world started in. */
  initialSnapshot(): WorldState {
    return cloneState(this.initial);
  }

  /** Puts the world back into a state taken with `snapshot()`. */
  restore(snapshot: WorldState): void {
    this.state = cloneState(snapshot);
  }

  completion(): WorldCompletion {
    return { ...this.state.meta.completion };
  }

  /** Checks the current state against the task; only for worlds built from a task. */
  evaluate(): WorldEvaluation {
    if (!this.evaluator)
      throw new Error('this world was not built from a task, so there is nothing to evaluate');
    return this.evaluator(this.initialSnapshot(), this.snapshot());
  }
}
