import type { User } from '@trellis/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AccountService, SESSION_IDLE_MS } from '../accounts/service.ts';
import { DomainError } from '../domain-errors.ts';
import { cookieValue } from './cookies.ts';

/**
 * Who may call a route, declared as `config: { access }` on the route; without it, reads (GET, HEAD, OPTIONS)
 * are `signed-in` and everything else is `member`.
 * - `public`: anyone, signed in or not (signing in, the health check).
 * - `signed-in`: any signed-in user whatever the role: reads, and one's own account (signing out, API tokens).
 * - `member`: members and admins: whatever creates, changes, starts, cancels or deletes something.
 * - `admin`: admins only (managing users).
 */
export type Access = 'public' | 'signed-in' | 'member' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user in accounts mode; null in single-user mode and on public routes. */
    user: User | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export const SESSION_COOKIE = 'trellis_session';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * What the accounts guard covers: the API and the AppWorld protocol; the web app's files load for anyone. Judged
 * by the route that matched, not the raw URL, which may spell the same path with escapes (`/%61pi/runs`).
 */
function guarded(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? request.url;
  return path.startsWith('/api/') || path === '/api' || path.startsWith('/appworld/');
}

function accessOf(request: FastifyRequest): Access {
  return request.routeOptions.config?.access ?? (READS.has(request.method) ? 'signed-in' : 'member');
}

/** Sets the session cookie for as long as a session lasts unused; `null` clears it. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string | null): void {
  const maxAge = secret === null ? 0 : Math.floor(SESSION_IDLE_MS / 1000);
  // Behind a TLS-terminating proxy the connection is plain HTTP; its X-Forwarded-Proto tells. Trusting the
  // header costs nothing: all a forged one can do is keep the client's own cookie off plain HTTP.
  const forwarded = String(request.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim();
  const secure = request.protocol === 'https' || forwarded === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${encodeURIComponent(secret ?? '')}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAge}${secure}`,
  );
}

export function sessionSecretOf(request: FastifyRequest): string | null {
  return cookieValue(request.headers.cookie, SESSION_COOKIE);
}

/** The signed-in user of a route that admits only signed-in users (every route but the public ones). */
export function signedInUser(request: FastifyRequest): User {
  if (!request.user) throw new Error(`${request.method} ${request.url} has no signed-in user`);
  return request.user;
}

/** The author to record on what a request creates: the signed-in user, or null in single-user mode. */
export function authorOf(request: FastifyRequest): string | null {
  return request.user?.id ?? null;
}

async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  accounts: AccountService,
): Promise<User> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) {
      throw new DomainError(
        'unauthenticated',
        'invalid_token',
        'the Authorization header must be "Bearer <API token>"',
      );
    }
    return accounts.userOfToken(token);
  }
  const session = sessionSecretOf(request);
  if (session === null) {
    throw new DomainError(
      'unauthenticated',
      'unauthenticated',
      'sign in first: open Trellis in a browser, or send "Authorization: Bearer <API token>"',
    );
  }
  try {
    const { user, renewed } = await accounts.userOfSession(session);
    if (renewed) setSessionCookie(request, reply, session);
    return user;
  } catch (error) {
    // The browser should stop sending a session that no longer works.
    if (error instanceof DomainError) setSessionCookie(request, reply, null);
    throw error;
  }
}

function authorize(user: User, access: Access): void {
  if (access === 'admin' && user.role !== 'admin') {
    throw new DomainError(
      'forbidden',
      'forbidden',
      `only admins may manage users; '${user.name}' is a ${user.role}`,
    );
  }
  if (access === 'member' && user.role === 'viewer') {
    throw new DomainError(
      'forbidden',
      'forbidden',
      `'${user.name}' is a viewer: viewers may read everything but not create, change, start, cancel or delete anything; ask an admin for the member role`,
    );
  }
}

/**
 * Accounts mode (TRELLIS_AUTH=accounts): every API request is made by a signed-in user, found from the session
 * cookie of a browser or an API token (`Authorization: Bearer trl_…`), and allowed by that user's role. With
 * `accounts` null (single-user mode) nothing is checked and `request.user` stays null.
 */
export function installAuth(app: FastifyInstance, accounts: AccountService | null): void {
  app.decorateRequest('user', null);
  if (!accounts) return;
  app.addHook('onRequest', async (request, reply) => {
    if (!guarded(request)) return;
    const access = accessOf(request);
    if (access === 'public') return;
    const user = await authenticate(request, reply, accounts);
    authorize(user, access);
    request.user = user;
  });
}
