import { CreateApiTokenRequest, type Me, SignInRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AccountService } from '../accounts/service.ts';
import { sessionSecretOf, setSessionCookie, signedInUser } from '../http/auth.ts';
import { parseWith } from '../http/errors.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Signing in and out, who is signed in, and one's own API tokens. In single-user mode (`accounts` null) only
 * `GET /auth/me` answers, saying there are no accounts.
 */
export function authRoutes(accounts: AccountService | null): FastifyPluginAsync {
  return async (app) => {
    if (!accounts) {
      app.get('/auth/me', async (): Promise<Me> => ({ mode: 'single-user', user: null }));
      return;
    }

    app.get('/auth/me', async (request): Promise<Me> => ({ mode: 'accounts', user: signedInUser(request) }));

    app.post('/auth/sign-in', { config: { access: 'public' } }, async (request, reply): Promise<Me> => {
      const body = parseWith(SignInRequest, request.body);
      const session = await accounts.signIn(body.name, body.password, request.ip);
      setSessionCookie(request, reply, session.secret);
      return { mode: 'accounts', user: session.user };
    });

    /** Ends the browser's session, if any; always answers 204 and clears the cookie. */
    app.post('/auth/sign-out', { config: { access: 'public' } }, async (request, reply) => {
      const secret = sessionSecretOf(request);
      if (secret) await accounts.signOut(secret);
      setSessionCookie(request, reply, null);
      return reply.status(204).send();
    });

    app.get('/auth/tokens', async (request) => accounts.tokens(signedInUser(request)));

    // A viewer may hold tokens too: they read with them, and the role decides what a token can do.
    app.post('/auth/tokens', { config: { access: 'signed-in' } }, async (request, reply) => {
      const body = parseWith(CreateApiTokenRequest, request.body);
      return reply.status(201).send(await accounts.createToken(signedInUser(request), body));
    });

    app.delete('/auth/tokens/:id', { config: { access: 'signed-in' } }, async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      await accounts.revokeToken(signedInUser(request), id);
      return reply.status(204).send();
    });
  };
}
