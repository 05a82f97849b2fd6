import type { ApiCallHandler, ApiCallResult } from './types.ts';

export interface FakeWorldCall {
  sessionId: string;
  app: string;
  api: string;
  kwargs: Record<string, unknown>;
}

export interface FakeWorld {
  onApiCall: ApiCallHandler;
  calls: FakeWorldCall[];
}

const PASSWORD = 'hunter2';

/**
 * A tiny stand-in for the app world, for tests and benchmarks: `echo.say(**kwargs)` answers its arguments,
 * `auth.login(username, password)` hands out a token, `auth.whoami(access_token)` checks it,
 * `notes.add(access_token, text)` validates its input. Everything else is a 404.
 */
export function createFakeWorld(): FakeWorld {
  const calls: FakeWorldCall[] = [];
  const tokens = new Map<string, string>();
  const answer = (
    sessionId: string,
    app: string,
    api: string,
    kwargs: Record<string, unknown>,
  ): ApiCallResult => {
    const route = `${app}.${api}`;
    const user = typeof kwargs.access_token === 'string' ? tokens.get(kwargs.access_token) : undefined;
    switch (route) {
      case 'echo.say':
        return { status: 200, body: { session: sessionId, ...kwargs } };
      case 'auth.login': {
        if (kwargs.password !== PASSWORD) return { status: 401, body: { message: 'Invalid credentials' } };
        const token = `token-${sessionId}-${String(kwargs.username)}`;
        tokens.set(token, String(kwargs.username));
        return { status: 200, body: { access_token: token, token_type: 'Bearer' } };
      }
      case 'auth.whoami':
        return user
          ? { status: 200, body: { username: user } }
          : { status: 401, body: { message: 'Invalid token' } };
      case 'notes.add':
        if (!user) return { status: 401, body: { message: 'Invalid token' } };
        if (typeof kwargs.text !== 'string' || kwargs.text === '') {
          return { status: 422, body: { message: 'text is required' } };
        }
        return { status: 201, body: { id: calls.length, text: kwargs.text } };
      default:
        return { status: 404, body: { message: `No API named '${api}' in app '${app}'` } };
    }
  };
  return {
    calls,
    onApiCall(sessionId, app, api, kwargs) {
      calls.push({ sessionId, app, api, kwargs });
      return answer(sessionId, app, api, kwargs);
    },
  };
}
