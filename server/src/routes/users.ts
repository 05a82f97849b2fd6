import { CreateUserRequest, UpdateUserRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AccountService } from '../accounts/service.ts';
import { signedInUser } from '../http/auth.ts';
import { parseWith } from '../http/errors.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });

/** Managing users: admins only. Registered in accounts mode alone. */
export function userRoutes(accounts: AccountService): FastifyPluginAsync {
  return async (app) => {
    app.get('/users', { config: { access: 'admin' } }, async () => accounts.listUsers());

    app.post('/users', { config: { access: 'admin' } }, async (request, reply) => {
      const body = parseWith(CreateUserRequest, request.body);
      return reply.status(201).send(await accounts.createUser(body));
    });

    app.patch('/users/:id', { config: { access: 'admin' } }, async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const patch = parseWith(UpdateUserRequest, request.body);
      return accounts.updateUser(signedInUser(request), id, patch);
    });
  };
}
