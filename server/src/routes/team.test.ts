import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';

describe('GET /api/team on the embedded default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('says runs execute in this process on SQLite, with no members and no queue', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/team' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      execution: 'local',
      store: 'sqlite',
      members: [],
      staleMs: null,
      queue: null,
    });
  });
});
