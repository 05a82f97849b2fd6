import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const COOKIE = 'trellis_token';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/**
 * When an access token is configured (required off loopback), every request must carry it as
 * `Authorization: Bearer <token>` or the cookie set by opening `/?token=<token>` once.
 */
export function installAccessToken(app: FastifyInstance, token: string | null): void {
  if (!token) return;
  app.addHook('onRequest', async (request, reply) => {
    const url = new URL(request.url, 'http://local');
    const offered = url.searchParams.get('token');
    if (offered !== null && same(offered, token)) {
      url.searchParams.delete('token');
      reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect(url.pathname + url.search);
    }
    const auth = request.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : null;
    const presented = bearer ?? cookieToken(request.headers.cookie);
    if (presented !== null && same(presented, token)) return;
    return reply.status(401).send({
      error: {
        code: 'unauthorized',
        message:
          'this Trellis server requires its access token: open /?token=<token> or send Authorization: Bearer',
      },
    });
  });
}
