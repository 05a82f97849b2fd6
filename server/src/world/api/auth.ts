import { hashString } from '../random.ts';
import type { AccountApp, WorldState } from '../state.ts';
import { defineApi } from './define.ts';
import { ApiFailure } from './failure.ts';
import { param } from './params.ts';

/** The email a token belongs to in `app`, or null when the token is unknown there. */
export function sessionUser(state: WorldState, app: string, token: string): string | null {
  return state.sessions.find((session) => session.app === app && session.token === token)?.email ?? null;
}

function issueToken(state: WorldState, app: string, email: string): string {
  state.meta.loginCount += 1;
  const parts = [0, 1, 2].map((i) =>
    hashString(`${state.meta.seed}:${app}:${email}:${state.meta.loginCount}:${i}`)
      .toString(16)
      .padStart(8, '0'),
  );
  return `${app}.${parts.join('')}`;
}

/** `<app>.login(username, password)`: the same for every app with accounts. */
export function loginApi(app: AccountApp) {
  return defineApi({
    name: 'login',
    description: `Log in to your ${app} account and get an access token to pass to the other ${app} APIs.`,
    requiresAuth: false,
    params: {
      username: param.string('Your account email address.', { format: 'email' }),
      password: param.string('Your account password.'),
    },
    response: { access_token: 'string', token_type: 'string' },
    handler: ({ state }, { username, password }) => {
      const account = state.tables.accounts.find((a) => a.app === app && a.email === username);
      if (!account || account.password !== password) {
        throw new ApiFailure(401, 'Invalid credentials: the username or password is wrong.');
      }
      const token = issueToken(state, app, username);
      state.sessions.push({ token, app, email: username });
      return { access_token: token, token_type: 'Bearer' };
    },
  });
}

export function logoutApi(app: AccountApp) {
  return defineApi({
    name: 'logout',
    description: `Log out of ${app}; the access token stops working.`,
    requiresAuth: true,
    params: {},
    response: { message: 'string' },
    handler: ({ state, user }) => {
      state.sessions = state.sessions.filter((session) => !(session.app === app && session.email === user));
      return { message: 'Logged out.' };
    },
  });
}
