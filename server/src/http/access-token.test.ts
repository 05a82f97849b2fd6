import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';

describe('access token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ accessToken: 'tok-123' });
  });
  afterAll(() => t.close());

  it('refuses requests without the token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/endpoints' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toContain('access token');
  });

  it('accepts the bearer token', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/endpoints',
      headers: { authorization: 'Bearer tok-123' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('turns ?token= into a cookie that later requests carry', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/endpoints?token=tok-123' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/endpoints');
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const next = await t.app.inject({ method: 'GET', url: '/api/endpoints', headers: { cookie } });
    expect(next.statusCode).toBe(200);
  });

  it('rejects a wrong token', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/endpoints',
      headers: { authorization: 'Bearer nope' },
    });
    expect(res.statusCode).toBe(401);
  });
});
