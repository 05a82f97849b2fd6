import type { User, UserRole } from '@trellis/shared';
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../accounts/service.ts';

/** A user made for a test, with an API token and the header that carries it. */
export interface TestUser {
  user: User;
  password: string;
  token: string;
  headers: { authorization: string };
}

export async function addTestUser(accounts: AccountService, name: string, role: UserRole): Promise<TestUser> {
  const password = `${name}-password-1`;
  const { user } = await accounts.createUser({ name, role, password });
  const { secret } = await accounts.createToken(user, { name: 'tests' });
  return { user, password, token: secret, headers: { authorization: `Bearer ${secret}` } };
}

/** Signs in through the API; resolves to the Cookie header a browser would send afterwards. */
export async function signInCookie(app: FastifyInstance, name: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { name, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${name} failed: ${res.body}`);
  return String(res.headers['set-cookie']).split(';')[0]!;
}
